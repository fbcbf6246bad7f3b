// Benchmark: `hscc serve` signed requests/s on loopback against two bare
// node:http servers measured in the same run:
//  (a) `bare`: answers the same bytes and does nothing else;
//  (b) `work`: does only what the rules require (read the body, JSON.parse,
//      one HMAC-SHA256 over method + URL + body + timestamp, a constant-time
//      compare), then answers the same bytes;
// once with a one-app config and once with 100 apps × 20 portals × 5 users
// (requests spread across them). Several rounds, the servers' order rotating;
// each figure is the median of the per-round ratios (a noisy moment on a
// shared machine hits a round's runs alike). Needs a build.
//   node scripts/bench/serve.mjs [--duration S] [--connections N] [--rounds N] [--mode cli|module]
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SECRET, fleetConfig, hookUrl, oneAppConfig, signedRequests, startServe } from './serve-target.mjs';
import { median, round } from './stats.mjs';

const self = fileURLToPath(import.meta.url);
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLOCK_TICKS = 100;
/** Distinct signed requests per run (autocannon cycles through them). */
const REQUEST_MIX = 1_000;

/** (a) node:http answering fixed bytes with the same headers, nothing else. */
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

/** (b) node:http doing only the required work: body, JSON.parse, one HMAC-SHA256, constant-time compare. */
function requiredWork(bytesFile) {
  const body = readFileSync(bytesFile);
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const { appId } = JSON.parse(raw.toString('utf8'));
      const timestamp = req.headers['x-hubspot-request-timestamp'];
      const expected = createHmac('sha256', SECRET).update(`POST${hookUrl(appId)}`).update(raw).update(timestamp).digest();
      const received = Buffer.from(req.headers['x-hubspot-signature-v3'], 'base64');
      const ok = received.length === expected.length && timingSafeEqual(received, expected);
      res.writeHead(ok ? 200 : 401, [['Content-Type', 'application/json'], ['Content-Length', String(body.length)]]);
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
  return spawn(command, rest, options);
}

/** Spawns a baseline child and resolves with its first stdout line (the base URL). */
function startBaseline(prefix, kind, bytesFile) {
  const child = spawnNode(prefix, [self, kind, bytesFile], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${kind} exited ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) => {
      child.removeAllListeners('exit');
      resolve({ url, pid: child.pid, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
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

/** Load-generator side: runs autocannon for each job the parent sends, answers with its result. */
function loadGenerator() {
  process.on('message', ({ url, duration, connections, requests }) => {
    autocannon({ url, connections, duration, requests }, (error, r) => {
      if (error) throw error;
      process.send({ rps: r.requests.average, total: r.requests.total, p99Ms: r.latency.p99, failed: r.non2xx + r.errors });
    });
  });
}

/** The load generator runs in a process of its own, so its speed does not depend on the bench process's heap. */
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

async function cannon(load, server, requests, { duration, connections }) {
  const before = cpuSeconds(server.pid);
  const result = await load.run({ url: server.url, duration, connections, requests });
  const after = cpuSeconds(server.pid);
  if (result.failed > 0) throw new Error(`${server.url}: ${result.failed} failed requests during the run`);
  const cpuUs = before === undefined || after === undefined ? undefined : ((after - before) * 1e6) / result.total;
  return { rps: result.rps, p99Ms: result.p99Ms, cpuUsPerRequest: cpuUs };
}

/** One config: start the three servers, warm up, run the rounds. */
async function benchConfig({ name, apps, mode, rounds, duration, connections, pinning, load, dir }) {
  const servers = [];
  try {
    const hscc = await startServe({ mode, apps, dir: mkdtempSync(join(dir, `${name}-`)), prefix: pinning.servers });
    servers.push(hscc);
    // Signed afresh per config: the timestamps must stay within 5 minutes.
    const requests = await signedRequests(apps, REQUEST_MIX);
    const first = requests[0];
    const probe = await fetch(`${hscc.url}${first.path}`, { method: 'POST', headers: first.headers, body: first.body });
    if (probe.status !== 200) throw new Error(`serve answered ${probe.status} to a signed request`);
    const bytes = Buffer.from(await probe.arrayBuffer());
    const bytesFile = join(dir, `${name}-answer.json`);
    writeFileSync(bytesFile, bytes);
    const bareServer = await startBaseline(pinning.servers, '--bare', bytesFile);
    servers.push(bareServer);
    const workServer = await startBaseline(pinning.servers, '--work', bytesFile);
    servers.push(workServer);
    const all = { hscc, bare: bareServer, work: workServer };
    for (const server of Object.values(all)) await cannon(load, server, requests, { duration: 1, connections });
    const runs = [];
    const names = Object.keys(all);
    for (let round = 0; round < rounds; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      const measured = {};
      for (const key of order) measured[key] = await cannon(load, all[key], requests, { duration, connections });
      runs.push(measured);
    }
    const summary = (key) => {
      const cpu = runs.map((r) => r[key].cpuUsPerRequest);
      return {
        rps: Math.round(median(runs.map((r) => r[key].rps))),
        p99Ms: median(runs.map((r) => r[key].p99Ms)),
        cpuUsPerRequest: cpu.includes(undefined) ? undefined : round(median(cpu)),
      };
    };
    const vsBare = runs.map((r) => round(r.hscc.rps / r.bare.rps));
    const vsWork = runs.map((r) => round(r.hscc.rps / r.work.rps));
    // Requests per CPU-second relative to (b): how much work a request costs,
    // whatever share of the shared CPUs each server got during its run.
    const cpuVsWork = runs.every((r) => r.hscc.cpuUsPerRequest > 0 && r.work.cpuUsPerRequest > 0)
      ? runs.map((r) => round(r.work.cpuUsPerRequest / r.hscc.cpuUsPerRequest))
      : undefined;
    return {
      apps: apps.length,
      portals: apps.reduce((n, a) => n + a.portals.length, 0),
      users: apps.reduce((n, a) => n + a.portals.reduce((m, p) => m + p.users.length, 0), 0),
      responseBytes: bytes.length,
      hscc: summary('hscc'),
      bare: summary('bare'),
      work: summary('work'),
      vsBare: { median: round(median(vsBare)), rounds: vsBare },
      vsRequiredWork: { median: round(median(vsWork)), rounds: vsWork, target: 0.9 },
      ...(cpuVsWork === undefined ? {} : { requestsPerCpuVsRequiredWork: { median: round(median(cpuVsWork)), rounds: cpuVsWork } }),
    };
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** Both configs, in one run. */
export async function benchServe({ duration = 5, connections = 10, rounds = 5, mode = 'cli' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-serve-'));
  const pinning = cpuPinning();
  const load = startLoadGenerator(pinning.load);
  try {
    const common = { mode, rounds, duration, connections, pinning, load, dir };
    return {
      benchmark: 'serve',
      mode,
      duration,
      connections,
      rounds,
      pinned: pinning.pinned,
      oneApp: await benchConfig({ ...common, name: 'one-app', apps: oneAppConfig() }),
      fleet: await benchConfig({ ...common, name: 'fleet', apps: fleetConfig() }),
    };
  } finally {
    await load.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

if (process.argv[1] === self) {
  if (process.argv[2] === '--bare') bare(process.argv[3]);
  else if (process.argv[2] === '--work') requiredWork(process.argv[3]);
  else if (process.argv[2] === '--load') loadGenerator();
  else {
    const result = await benchServe({
      duration: Number(flag('--duration', 5)),
      connections: Number(flag('--connections', 10)),
      rounds: Number(flag('--rounds', 5)),
      mode: flag('--mode', 'cli'),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
