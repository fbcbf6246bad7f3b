// Benchmark: `hscc serve` throughput on loopback with validly signed
// requests, against a bare node:http server answering the same bytes.
// Runs the built CLI (npm run build first). Standalone: prints one JSON line.
//   node scripts/bench/serve.mjs [--duration S] [--connections N] [--rounds N]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
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
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLOCK_TICKS = 100;

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

/**
 * With two or more CPUs and taskset, the servers share CPU 0 and the load
 * generator gets CPU 1, so neither server competes with it and both meet the
 * same conditions. Returns the command prefixes for each side.
 */
function cpuPinning() {
  const none = { pinned: false, servers: [], load: [] };
  if (process.platform !== 'linux' || availableParallelism() < 2) return none;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return none;
  }
  return { pinned: true, servers: ['taskset', '-c', '0'], load: ['taskset', '-c', '1'] };
}

function spawnNode(prefix, args, options) {
  const [command, ...rest] = [...prefix, process.execPath, ...args];
  return spawn(command, rest, { cwd: root, ...options });
}

/** Spawns a server child and resolves with its first stdout line (the base URL). */
function startChild(prefix, args, env) {
  const child = spawnNode(prefix, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ url, pid: child.pid, stop: () => stopChild(child) }));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds used so far by a process, or undefined off Linux. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** A signed request as HubSpot sends it; signed afresh per run to stay in the 5-minute window. */
function signedRequest() {
  const body = JSON.stringify({ appId: APP_ID, portalId: 42, userId: 7 });
  const headers = { 'content-type': 'application/json', ...signRequestV3({ secret: SECRET, method: 'POST', uri: HOOK_URL, body, now: Date.now() }) };
  return { method: 'POST', path: '/my-help-desk-service', headers, body };
}

/** Load-generator side: runs autocannon for each job the parent sends, answers with its result. */
function loadGenerator() {
  process.on('message', ({ url, duration, connections, request }) => {
    autocannon({ url, connections, duration, requests: [request] }, (error, r) => {
      if (error) throw error;
      process.send({ rps: r.requests.average, total: r.requests.total, p99Ms: r.latency.p99, failed: r.non2xx + r.errors });
    });
  });
}

/**
 * The load generator runs in a process of its own, so its speed does not
 * depend on what the bench process did before (other suites' heaps).
 */
function startLoadGenerator(prefix) {
  const child = spawnNode(prefix, [self, '--load'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const run = (job) =>
    new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the load generator exited ${code}`)));
      child.send(job);
    }).finally(() => child.removeAllListeners('exit'));
  return { run, stop: () => stopChild(child) };
}

async function cannon(load, server, { duration, connections }) {
  const before = cpuSeconds(server.pid);
  const result = await load.run({ url: server.url, duration, connections, request: signedRequest() });
  const after = cpuSeconds(server.pid);
  if (result.failed > 0) throw new Error(`${server.url}: ${result.failed} failed requests during the run`);
  const cpuUs = before === undefined || after === undefined ? undefined : ((after - before) * 1e6) / result.total;
  return { rps: result.rps, p99Ms: result.p99Ms, cpuUsPerRequest: cpuUs };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round2 = (n) => Math.round(n * 100) / 100;

/**
 * Runs autocannon against `hscc serve` (signature verified on every
 * request) and against the bare server, alternating which goes first, for
 * `rounds` rounds. The result is the median of the rounds' ratios: a noisy
 * moment on a shared machine hits both runs of a round alike.
 */
export async function benchServe({ duration = 5, connections = 10, rounds = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-serve-'));
  const servers = [];
  const pinning = cpuPinning();
  const load = startLoadGenerator(pinning.load);
  try {
    const config = join(dir, 'channel-connection.yaml');
    writeFileSync(config, CONFIG);
    const hscc = await startChild(pinning.servers, [join(root, 'bin', 'hscc.js'), 'serve', config, '--port', '0'], { HUBSPOT_CLIENT_SECRET: SECRET });
    servers.push(hscc);
    const request = signedRequest();
    const probe = await fetch(`${hscc.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
    if (probe.status !== 200) throw new Error(`serve answered ${probe.status} to a signed request`);
    const bytes = Buffer.from(await probe.arrayBuffer());
    const bytesFile = join(dir, 'fixture.json');
    writeFileSync(bytesFile, bytes);
    const baseline = await startChild(pinning.servers, [self, '--bare', bytesFile], {});
    servers.push(baseline);

    // Warm both up (JIT, connection pools) before anything counts.
    for (const server of [baseline, hscc]) await cannon(load, server, { duration: 1, connections });
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [baseline, hscc] : [hscc, baseline];
      const measured = new Map();
      for (const server of order) measured.set(server, await cannon(load, server, { duration, connections }));
      runs.push({ hscc: measured.get(hscc), bare: measured.get(baseline) });
    }
    const summary = (key) => {
      const cpu = runs.map((r) => r[key].cpuUsPerRequest);
      return {
        rps: Math.round(median(runs.map((r) => r[key].rps))),
        p99Ms: median(runs.map((r) => r[key].p99Ms)),
        cpuUsPerRequest: cpu.includes(undefined) ? undefined : round2(median(cpu)),
      };
    };
    const ratios = runs.map((r) => round2(r.hscc.rps / r.bare.rps));
    return {
      benchmark: 'serve',
      duration,
      connections,
      rounds,
      pinned: pinning.pinned,
      responseBytes: bytes.length,
      hscc: summary('hscc'),
      bare: summary('bare'),
      rpsRatios: ratios,
      rpsRatio: round2(median(ratios)),
      target: 0.7,
    };
  } finally {
    for (const server of servers) await server.stop();
    await load.stop();
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
  } else if (process.argv[2] === '--load') {
    loadGenerator();
  } else {
    const result = await benchServe({ duration: flag('--duration', 5), connections: flag('--connections', 10), rounds: flag('--rounds', 5) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
