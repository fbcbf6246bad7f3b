// Benchmark: `hscc serve` throughput on loopback with validly signed
// requests, against a bare node:http server answering the same bytes.
// Runs the built CLI (npm run build first). Standalone: prints one JSON line.
//   node scripts/bench/serve.mjs [--duration S] [--connections N] [--rounds N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signRequestV3 } from '../../dist/webhook/signature.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);
const SECRET = 'bench-client-secret';
const APP_ID = 1234567;
const HOOK_URL = 'https://example.com/my-help-desk-service';

const CONFIG = `appId: ${APP_ID}
settings:
  url: ${HOOK_URL}
  isReady: true
phoneNumbers:
${Array.from({ length: 10 }, (_, i) => `  - e164PhoneNumber: "+1415${2_000_000 + i * 7}"\n    friendlyName: Agent line ${i}`).join('\n')}
`;

/** The baseline: node:http answering fixed bytes with the same headers, nothing else. */
function bare(bytesFile) {
  const body = readFileSync(bytesFile);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, [['Content-Type', 'application/json'], ['Content-Length', String(body.length)]]);
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
  process.on('SIGTERM', () => server.close());
}

/** Spawns a server child and resolves with its first stdout line (the base URL). */
function startChild(args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ url, stop: () => stopChild(child) }));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function signedRequest() {
  const body = JSON.stringify({ appId: APP_ID, portalId: 42, userId: 7 });
  // One timestamp for the whole short run: it stays inside the 5-minute window.
  const headers = { 'content-type': 'application/json', ...signRequestV3({ secret: SECRET, method: 'POST', uri: HOOK_URL, body, now: Date.now() }) };
  return { method: 'POST', path: '/my-help-desk-service', headers, body };
}

function cannon(url, request, { duration, connections }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, requests: [request] }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Runs autocannon against `hscc serve` (signature verified on every request)
 * and against the bare server, `rounds` times alternately; reports the best
 * requests/s of each, their ratio (target ≥ 0.7) and p99 latency.
 */
export async function benchServe({ duration = 5, connections = 10, rounds = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-serve-'));
  const servers = [];
  try {
    const config = join(dir, 'channel-connection.yaml');
    writeFileSync(config, CONFIG);
    const hscc = await startChild([join(root, 'bin', 'hscc.js'), 'serve', config, '--port', '0'], { HUBSPOT_CLIENT_SECRET: SECRET });
    servers.push(hscc);
    const request = signedRequest();
    const probe = await fetch(`${hscc.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
    if (probe.status !== 200) throw new Error(`serve answered ${probe.status} to a signed request`);
    const bytes = Buffer.from(await probe.arrayBuffer());
    const bytesFile = join(dir, 'fixture.json');
    writeFileSync(bytesFile, bytes);
    const baseline = await startChild([self, '--bare', bytesFile], {});
    servers.push(baseline);

    const runs = { hscc: [], bare: [] };
    for (let round = 0; round < rounds; round++) {
      runs.bare.push(await cannon(baseline.url, request, { duration, connections }));
      runs.hscc.push(await cannon(hscc.url, request, { duration, connections }));
    }
    const failed = runs.hscc.reduce((n, r) => n + r.non2xx + r.errors, 0);
    if (failed > 0) throw new Error(`serve failed ${failed} requests during the run`);
    const best = (results) => results.reduce((a, b) => (b.requests.average > a.requests.average ? b : a));
    const summary = (r) => ({ rps: Math.round(r.requests.average), p99Ms: r.latency.p99, p50Ms: r.latency.p50, requests: r.requests.total });
    const result = {
      benchmark: 'serve',
      duration,
      connections,
      rounds,
      responseBytes: bytes.length,
      hscc: summary(best(runs.hscc)),
      bare: summary(best(runs.bare)),
    };
    result.rpsRatio = Math.round((result.hscc.rps / result.bare.rps) * 100) / 100;
    result.target = 0.7;
    return result;
  } finally {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

if (process.argv[1] === self) {
  if (process.argv[2] === '--bare') {
    bare(process.argv[3]);
  } else {
    const result = await benchServe({ duration: flag('--duration', 5), connections: flag('--connections', 10), rounds: flag('--rounds', 2) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
