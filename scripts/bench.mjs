// `npm run bench`: every benchmark, each reported as a ratio against a
// baseline measured in the same run (the machines are shared and noisy).
// Needs a build (`npm ci` or `npm run build`). BENCH_ONLY=startup,emulator,…
// runs a subset.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

const suites = [
  ['startup', async () => (await import('./bench/startup.mjs')).benchStartup()],
  ['emulator', async () => (await import('./bench/emulator.mjs')).benchEmulator()],
  ['fixtures', async () => (await import('./bench/fixtures.mjs')).benchFixtures()],
  ['serve', async () => (await import('./bench/serve.mjs')).benchServe()],
  ['serveFlood', async () => (await import('./bench/serve-flood.mjs')).benchServeFlood()],
  ['hostile', async () => (await import('./bench/hostile.mjs')).benchHostile()],
  ['planFleet', async () => (await import('./bench/plan-fleet.mjs')).benchPlanFleet()],
];

const results = {};
for (const [name, bench] of suites) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}…\n`);
  results[name] = await bench();
  console.log(`${name}: ${JSON.stringify(results[name])}`);
}
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'results.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
process.stderr.write('results written to .bench/results.json\n');
