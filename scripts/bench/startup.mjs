// CLI start-up: median wall time of `hscc --version` and `hscc validate`
// against `node -e 0`, interleaved in one run so machine noise hits all alike.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'hscc.js');

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Returns medians (ms) and ratios against `node -e 0`. */
export function benchStartup({ runs = 25 } = {}) {
  const commands = {
    baseline: ['-e', '0'],
    version: [cli, '--version'],
    validate: [cli, 'validate', 'channel-connection.yaml'],
  };
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (const args of Object.values(commands)) timeOnce(args); // warm the file cache
  for (let i = 0; i < runs; i += 1) {
    for (const [name, args] of Object.entries(commands)) samples[name].push(timeOnce(args));
  }
  const baselineMs = median(samples.baseline);
  const versionMs = median(samples.version);
  const validateMs = median(samples.validate);
  return {
    runs,
    baselineMs: round(baselineMs),
    versionMs: round(versionMs),
    validateMs: round(validateMs),
    versionRatio: round(versionMs / baselineMs),
    validateRatio: round(validateMs / baselineMs),
    targets: { versionRatio: 1.3, validateRatio: 2.0 },
  };
}

const round = (n) => Math.round(n * 100) / 100;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchStartup()));
}
