// `hscc plan` over many apps against the emulator with latency and a rate
// limit, against the theoretical floor and against reading the same apps
// with the official @hubspot/api-client SDK one after another, in one run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'hscc.js');
const API_KEY = 'bench-developer-key';

function startEmulator(flags) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'emulator', '--port', '0', '--api-key', API_KEY, ...flags], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ child, url: url.trim() }));
  });
}

function run(args, env) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
  });
}

const counters = async (url) => (await fetch(`${url}/__emulator/requests`)).json();

/** Figures for `plan` over `apps` apps; see the floor definition. */
export async function benchPlanFleet({ apps = 1000, latencyMs = 50, ratePerSecond = 100, parallelism = 10, sdk = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-fleet-'));
  const emulator = await startEmulator(['--latency', String(latencyMs), '--rate-limit', `${ratePerSecond}/1000`]);
  try {
    const ids = Array.from({ length: apps }, (_, i) => 1_000_001 + i);
    const state = { apps: {} };
    const docs = [];
    for (const [i, appId] of ids.entries()) {
      const url = `https://calls.example.com/hubspot/${appId}`;
      // Half the apps already match, half need an update: a realistic plan.
      state.apps[appId] = { url, isReady: i % 2 === 0, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
      docs.push(`appId: ${appId}\nsettings:\n  url: ${url}\n  isReady: true\nphoneNumbers: []\n`);
    }
    const config = join(dir, 'fleet.yaml');
    writeFileSync(config, docs.join('---\n'));
    await fetch(`${emulator.url}/__emulator/state`, { method: 'PUT', body: JSON.stringify(state), headers: { 'content-type': 'application/json' } });

    const env = { ...process.env, NO_COLOR: '1', HUBSPOT_API_BASE_URL: emulator.url, HUBSPOT_DEVELOPER_API_KEY: API_KEY };
    delete env.GITHUB_STEP_SUMMARY;
    const before = await counters(emulator.url);
    const hscc = await run(['plan', config, '--json', '--parallelism', String(parallelism)], env);
    const after = await counters(emulator.url);
    if (hscc.code !== 0) throw new Error(`hscc plan exited ${hscc.code}: ${hscc.stderr.slice(0, 500)}`);
    const summary = JSON.parse(hscc.stdout).summary;

    const floorMs = Math.max((apps * latencyMs) / parallelism, (apps / ratePerSecond) * 1000);
    const result = {
      apps,
      latencyMs,
      ratePerSecond,
      parallelism,
      floorMs,
      hsccMs: Math.round(hscc.ms),
      ratioToFloor: Math.round((hscc.ms / floorMs) * 100) / 100,
      requests: after.total - before.total,
      rateLimited: after.rateLimited - before.rateLimited,
      failed: hscc.code === 0 ? 0 : 1,
      summary,
    };

    if (sdk) {
      await new Promise((resolve) => setTimeout(resolve, 1100)); // let the rolling window empty
      const { Client } = await import('@hubspot/api-client');
      const client = new Client({ developerApiKey: API_KEY, basePath: emulator.url });
      const start = process.hrtime.bigint();
      for (const appId of ids) await client.crm.extensions.calling.channelConnectionSettingsApi.getById(appId);
      const sdkMs = Number(process.hrtime.bigint() - start) / 1e6;
      result.sdkSequentialMs = Math.round(sdkMs);
      result.ratioToSdk = Math.round((hscc.ms / sdkMs) * 100) / 100;
    }
    return result;
  } finally {
    emulator.child.removeAllListeners('exit');
    emulator.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const apps = Number(process.env.BENCH_APPS ?? 1000);
  console.log(JSON.stringify(await benchPlanFleet({ apps })));
}
