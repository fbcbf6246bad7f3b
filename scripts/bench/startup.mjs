// CLI start-up: median wall time of `hscc --version`, `hscc validate` and
// `hscc plan` (two apps, against the emulator on loopback) against `node -e 0`,
// interleaved in one run so machine noise hits all alike. Every child gets a
// clean environment (PATH and HOME, plus the HubSpot variables `plan` needs):
// NODE_EXTRA_CA_CERTS, set on these machines, adds ~30 ms to every Node start
// and would flatter every ratio.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { quantile, round } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'hscc.js');
const CONFIG = 'channel-connection.yaml';
const API_KEY = 'bench-developer-key';
const ACCESS_TOKEN = 'bench-access-token';

/** PATH and HOME only: what a CI runner's clean shell passes at least. */
export function cleanEnv(extra = {}) {
  const env = { ...extra };
  for (const name of ['PATH', 'HOME']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/** Starts `hscc emulator` once; resolves with its URL when it prints it. */
function startEmulator() {
  return new Promise((resolve, reject) => {
    // A limit far above what the bench sends: the plan runs must never wait on it.
    const args = [cli, 'emulator', '--port', '0', '--api-key', API_KEY, '--access-token', ACCESS_TOKEN, '--rate-limit', '1000000/1000'];
    const child = spawn(process.execPath, args, { cwd: root, env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) => {
      child.removeAllListeners('exit');
      resolve({ child, url: url.trim() });
    });
  });
}

function timeOnce({ args, env }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status ?? result.signal}: ${String(result.stderr).slice(0, 500)}`);
  }
  return ms;
}

/** The ratios the issue sets as targets (command median / `node -e 0` median). */
export const STARTUP_TARGETS = { version: 1.3, validate: 2.5, plan: 4 };

/**
 * Returns, per command, the median and interquartile range (ms) over `runs`
 * interleaved runs, and the ratio of its median to `node -e 0`'s.
 */
export async function benchStartup({
  runs = Number(process.env.BENCH_STARTUP_RUNS ?? 41),
  warmup = 3,
  // Another build's bin/hscc.js (e.g. of the previous commit), measured in
  // the same interleaved runs, for before/after figures from one run.
  compareCli = process.env.BENCH_STARTUP_COMPARE,
} = {}) {
  const emulator = await startEmulator();
  try {
    const planEnv = cleanEnv({
      HUBSPOT_API_BASE_URL: emulator.url,
      HUBSPOT_DEVELOPER_API_KEY: API_KEY,
      HUBSPOT_ACCESS_TOKEN: ACCESS_TOKEN,
    });
    const commandsOf = (bin) => ({
      version: { args: [bin, '--version'], env: cleanEnv() },
      validate: { args: [bin, 'validate', CONFIG], env: cleanEnv() },
      plan: { args: [bin, 'plan', CONFIG], env: planEnv },
    });
    const commands = { baseline: { args: ['-e', '0'], env: cleanEnv() }, ...commandsOf(cli) };
    if (compareCli !== undefined) {
      for (const [name, command] of Object.entries(commandsOf(compareCli))) commands[`compare:${name}`] = command;
    }
    const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
    // Warm the file cache (and any on-disk compile cache) before measuring.
    for (let i = 0; i < warmup; i += 1) for (const command of Object.values(commands)) timeOnce(command);
    for (let i = 0; i < runs; i += 1) {
      for (const [name, command] of Object.entries(commands)) samples[name].push(timeOnce(command));
    }
    const baselineMs = quantile(samples.baseline, 0.5);
    const figures = (name) => {
      const medianMs = quantile(samples[name], 0.5);
      return {
        medianMs: round(medianMs),
        iqrMs: [round(quantile(samples[name], 0.25)), round(quantile(samples[name], 0.75))],
        ratio: round(medianMs / baselineMs),
      };
    };
    const result = { runs, node: process.version, baselineMs: round(baselineMs) };
    for (const name of Object.keys(STARTUP_TARGETS)) result[name] = { ...figures(name), target: STARTUP_TARGETS[name] };
    if (compareCli !== undefined) {
      result.compare = { cli: compareCli };
      for (const name of Object.keys(STARTUP_TARGETS)) result.compare[name] = figures(`compare:${name}`);
    }
    return result;
  } finally {
    emulator.child.kill('SIGTERM');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchStartup(), null, 2));
}
