// `hscc plan` over a fleet of apps, each declaring all three resources
// (calling settings, recording settings, channel connection), against the
// emulator with latency and a rate limit: wall time against the floor
// max(requests × latency / parallelism, requests / rate), the emulator's
// counters (every request answered, none rate-limited), and the official
// @hubspot/api-client SDK reading the same resources one after another, in
// the same run. The same GETs from a bare node:http client
// (bare-client.mjs), in runs interleaved with hscc's, show how much of the
// distance to the floor is this machine and the emulator rather than hscc;
// each is run BENCH_FLEET_ROUNDS times (3) and reported as its median,
// every run listed, since one 16-second run on a shared machine varies by
// a few per cent.
//
// The state is seeded through the emulator's own API (POST per resource) on
// an emulator without latency that saves to a --state file, which the
// measured emulator then loads: the bench relies only on the documented API
// and flags, not on the state file's shape.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './startup.mjs';
import { median, round } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'hscc.js');
const API_KEY = 'bench-developer-key';
const RESOURCES_PER_APP = 3;
const SEED_CONCURRENCY = 50;

/** Starts `hscc emulator`; resolves when it prints its URL. */
function startEmulator(flags) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'emulator', '--port', '0', '--api-key', API_KEY, ...flags], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) => {
      child.removeAllListeners('exit');
      resolve({ child, url: url.trim() });
    });
  });
}

/** SIGTERM, then wait for the exit (the emulator saves --state on the way out). */
function stopEmulator({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Runs `node ...argv`, timed from spawn to exit; `input` is written to its stdin. */
function runNode(argv, env, input = '') {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    child.stdin.end(input);
  });
}

const run = (args, env) => runNode([cli, ...args], env);

const counters = async (url) => (await fetch(`${url}/__emulator/requests`)).json();

/** What app `appId` has remotely; every other app differs in calling `isReady`. */
function remoteOf(appId) {
  return {
    calling: {
      name: `Dialer ${appId}`,
      url: `https://dialer.example.com/hubspot/${appId}`,
      width: 400,
      height: 600,
      isReady: true,
      supportsCustomObjects: false,
      supportsInboundCalling: true,
      usesCallingWindow: true,
      usesRemote: true,
    },
    recording: { urlToRetrieveAuthedRecording: `https://recordings.example.com/${appId}/%s` },
    settings: { url: `https://calls.example.com/hubspot/${appId}`, isReady: true },
  };
}

function documentOf(appId, index) {
  const { calling, recording, settings } = remoteOf(appId);
  // Half the apps already match, half need an update: a realistic plan.
  const desired = { ...calling, isReady: index % 2 === 0 };
  const lines = [
    `appId: ${appId}`,
    'settings:',
    `  url: ${settings.url}`,
    `  isReady: ${settings.isReady}`,
    'phoneNumbers: []',
    'calling:',
    ...Object.entries(desired).map(([key, value]) => `  ${key}: ${typeof value === 'string' ? JSON.stringify(value) : value}`),
    'recording:',
    `  urlToRetrieveAuthedRecording: ${JSON.stringify(recording.urlToRetrieveAuthedRecording)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The path of every resource of app `appId`, as hscc reads it (v3). */
const resourcePaths = (appId) => ['settings', 'settings/recording', 'settings/channel-connection'].map((segment) => `/crm/v3/extensions/calling/${appId}/${segment}`);

/** Creates every resource of every app through the API, SEED_CONCURRENCY at a time. */
async function seed(url, ids) {
  const writes = ids.flatMap((appId) => {
    const { calling, recording, settings } = remoteOf(appId);
    const [callingPath, recordingPath, connectionPath] = resourcePaths(appId);
    return [
      [`${url}${callingPath}`, calling],
      [`${url}${recordingPath}`, recording],
      [`${url}${connectionPath}`, settings],
    ];
  });
  let next = 0;
  const worker = async () => {
    while (next < writes.length) {
      const [target, body] = writes[next++];
      const response = await fetch(`${target}?hapikey=${API_KEY}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      if (!response.ok) throw new Error(`seeding POST ${new URL(target).pathname} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
}

/** Reads every resource with the official SDK, one request after another. */
async function sdkSequential(url, ids) {
  const { Client } = await import('@hubspot/api-client');
  const calling = new Client({ developerApiKey: API_KEY, basePath: url }).crm.extensions.calling;
  let failed = 0;
  const start = process.hrtime.bigint();
  for (const appId of ids) {
    for (const read of [
      () => calling.settingsApi.getById(appId),
      () => calling.recordingSettingsApi.getUrlFormat(appId),
      () => calling.channelConnectionSettingsApi.getById(appId),
    ]) {
      try {
        await read();
      } catch {
        failed += 1;
      }
    }
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, failed };
}

// The rate limit here is per 1 s window; waiting a little longer empties it, so every run starts with the full limit.
const windowEmpties = () => new Promise((resolve) => setTimeout(resolve, 1100));

/** Figures for `plan` over `apps` apps; see the floor definition. */
export async function benchPlanFleet({
  apps = Number(process.env.BENCH_APPS ?? 1000),
  latencyMs = 50,
  ratePerSecond = 300,
  parallelism = Number(process.env.BENCH_PARALLELISM ?? 10),
  sdk = process.env.BENCH_SDK !== '0',
  rounds = Number(process.env.BENCH_FLEET_ROUNDS ?? 3),
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-fleet-'));
  const stateFile = join(dir, 'state.json');
  const ids = Array.from({ length: apps }, (_, i) => 1_000_001 + i);
  const requests = apps * RESOURCES_PER_APP;
  let emulator;
  try {
    const seeding = await startEmulator(['--state', stateFile, '--rate-limit', '1000000/1000']);
    try {
      await seed(seeding.url, ids);
    } finally {
      await stopEmulator(seeding);
    }

    const config = join(dir, 'fleet.yaml');
    writeFileSync(config, ids.map(documentOf).join('---\n'));
    emulator = await startEmulator(['--state', stateFile, '--latency', String(latencyMs), '--rate-limit', `${ratePerSecond}/1000`]);

    const env = cleanEnv({ NO_COLOR: '1', HUBSPOT_API_BASE_URL: emulator.url, HUBSPOT_DEVELOPER_API_KEY: API_KEY });
    // What reading the config alone costs, before the first request can start.
    const validate = await run(['validate', config], env);
    if (validate.code !== 0) throw new Error(`hscc validate exited ${validate.code}: ${validate.stderr.slice(0, 500)}`);
    const paths = `${ids.flatMap(resourcePaths).join('\n')}\n`;
    const bareArgv = [join(dirname(fileURLToPath(import.meta.url)), 'bare-client.mjs'), emulator.url, API_KEY, String(parallelism)];
    const hsccRuns = [];
    const bareRuns = [];
    let last;
    for (let i = 0; i < rounds; i++) {
      await windowEmpties();
      const bare = await runNode(bareArgv, cleanEnv(), paths);
      const bareResult = bare.code === 0 ? JSON.parse(bare.stdout) : undefined;
      if (bareResult === undefined || bareResult.failed > 0) throw new Error(`the bare client failed (exit ${bare.code}): ${(bare.stdout + bare.stderr).slice(0, 500)}`);
      bareRuns.push(bare.ms);

      await windowEmpties();
      const before = await counters(emulator.url);
      const hscc = await run(['plan', config, '--json', '--parallelism', String(parallelism)], env);
      const after = await counters(emulator.url);
      if (hscc.code !== 0) throw new Error(`hscc plan exited ${hscc.code}: ${hscc.stderr.slice(0, 500)}`);
      hsccRuns.push(hscc.ms);
      const runRequests = after.total - before.total;
      const runRateLimited = after.rateLimited - before.rateLimited;
      // Every run must read each resource once, none refused: a retry would hide in the median.
      if (last !== undefined && (runRequests !== last.requests || runRateLimited !== last.rateLimited)) {
        throw new Error(`plan runs differ: ${runRequests} requests / ${runRateLimited} rate-limited after ${last.requests} / ${last.rateLimited}`);
      }
      last = { requests: runRequests, rateLimited: runRateLimited, maxConcurrent: after.maxConcurrent, stdout: hscc.stdout };
    }
    // Every run planned the same; the last one's plan is read once.
    const document = JSON.parse(last.stdout);
    const changes = document.changes ?? [];

    const floorMs = Math.max((requests * latencyMs) / parallelism, (requests / ratePerSecond) * 1000);
    const hsccMs = median(hsccRuns);
    const bareMs = median(bareRuns);
    const result = {
      apps,
      resources: requests,
      latencyMs,
      ratePerSecond,
      parallelism,
      floorMs,
      hsccMs: Math.round(hsccMs),
      ratioToFloor: round(hsccMs / floorMs),
      target: 1.1,
      hsccRunsMs: hsccRuns.map(Math.round),
      // The bare client's median, and hscc's against it: the part of the distance that is hscc's.
      bareClientMs: Math.round(bareMs),
      bareRatioToFloor: round(bareMs / floorMs),
      bareRunsMs: bareRuns.map(Math.round),
      ratioToBareClient: round(hsccMs / bareMs),
      // `hscc validate` of the same file: start-up and config parsing, spent before any request.
      validateMs: Math.round(validate.ms),
      // From the emulator, per plan run: exactly one GET per resource means
      // nothing failed or was retried; rateLimited counts its 429 answers.
      // maxConcurrent is over all runs (the bare client keeps the same parallelism).
      requests: last.requests,
      rateLimited: last.rateLimited,
      maxConcurrent: last.maxConcurrent,
      failedChanges: changes.filter((change) => change.error !== undefined).length,
      changes: changes.length,
      summary: document.summary,
    };

    if (sdk) {
      await windowEmpties();
      const sdkBefore = await counters(emulator.url);
      const sdkRun = await sdkSequential(emulator.url, ids);
      const sdkAfter = await counters(emulator.url);
      result.sdkSequentialMs = Math.round(sdkRun.ms);
      result.sdkFailed = sdkRun.failed;
      result.sdkRateLimited = sdkAfter.rateLimited - sdkBefore.rateLimited;
      result.ratioToSdk = round(hsccMs / sdkRun.ms);
    }
    return result;
  } finally {
    if (emulator !== undefined) await stopEmulator(emulator);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchPlanFleet(), null, 2));
}
