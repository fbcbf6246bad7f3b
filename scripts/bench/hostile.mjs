// How the HubSpot client holds up against hostile servers on 127.0.0.1,
// through the real client code (src/hubspot, bundled on the fly with esbuild,
// so no full build is needed):
// - give-up time against a host that accepts connections and never answers,
//   with the default 30 s timeout, for 1 target and for 50 (parallelism 10,
//   as the commands run them); DESIGN.md bounds these at 60 s and 90 s;
// - time and peak RSS against a 2 GiB body and an endless chunked body.
// Usage: node scripts/bench/hostile.mjs [--timeout MS] [--only dead|bodies]
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { timeout: { type: 'string', default: '30000' }, only: { type: 'string' } } });
const timeoutMs = Number(values.timeout);
const PARALLELISM = 10;

// Inside node_modules so the bundle's bare imports (got) resolve from the repo.
const outdir = join(root, 'node_modules', '.cache', 'hscc-bench-hostile');
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { client: join(root, 'src', 'hubspot', 'client.ts'), 'hostile-server': join(root, 'test', 'helpers', 'hostile-server.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const { createHubSpotClient } = await import(pathToFileURL(join(outdir, 'client.mjs')).href);
const { startHostileServer } = await import(pathToFileURL(join(outdir, 'hostile-server.mjs')).href);

const env = { HUBSPOT_DEVELOPER_API_KEY: 'bench-hostile-developer-key-0000' };

function clientFor(baseUrl) {
  return createHubSpotClient({
    baseUrl,
    env,
    timeoutMs,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    now: Date.now,
  });
}

/** Runs `work` over `items`, at most `limit` at a time, as the commands do. */
async function pool(items, limit, work) {
  const results = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]).then(
        () => ({ ok: true }),
        (error) => ({ ok: false, notAttempted: error.notAttempted === true, message: error.message }),
      );
    }
  });
  await Promise.all(lanes);
  return results;
}

async function giveUp(count, resources) {
  const server = await startHostileServer('never-answer');
  const client = clientFor(server.url);
  const targets = [];
  for (let appId = 1; appId <= count; appId++) {
    for (const resource of resources) targets.push({ appId, apiVersion: 'v3', auth: 'developer-api-key', resource });
  }
  const started = performance.now();
  const results = await pool(targets, PARALLELISM, (target) => client.get(target));
  const seconds = (performance.now() - started) / 1000;
  await server.close();
  const notAttempted = results.filter((r) => r.notAttempted).length;
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `never-answer, ${count} app(s) × ${resources.length} resource(s): gave up in ${seconds.toFixed(1)} s; ` +
      `${failed}/${results.length} calls failed, ${notAttempted} not attempted, ${server.requests.length} requests sent`,
  );
  console.log(`  first error: ${results[0]?.message}`);
  return seconds;
}

async function body(mode) {
  const server = await startHostileServer(mode);
  const client = clientFor(server.url);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  let message = 'no error';
  try {
    await client.get({ appId: 1, apiVersion: 'v3', auth: 'developer-api-key', resource: 'channel-connection' });
  } catch (error) {
    message = error.message;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await server.close();
  const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
  console.log(`${mode}: ended in ${ms.toFixed(0)} ms, peak RSS ${mib(peak)} MiB (${mib(peak - baseline)} MiB above start), server wrote ${mib(server.bytesSent())} MiB`);
  console.log(`  ${message}`);
}

console.log(`timeout per attempt: ${timeoutMs} ms, parallelism ${PARALLELISM}`);
if (values.only !== 'dead') {
  await body('huge-body');
  await body('endless-chunked');
}
if (values.only !== 'bodies') {
  const one = await giveUp(1, ['channel-connection']);
  const fifty = await giveUp(50, ['channel-connection']);
  const fiftyAll = await giveUp(50, ['calling-settings', 'recording-settings', 'channel-connection']);
  console.log(`bounds (DESIGN.md): 1 app ≤ 60 s: ${one <= 60 ? 'ok' : 'OVER'}; 50 apps ≤ 90 s: ${fifty <= 90 && fiftyAll <= 90 ? 'ok' : 'OVER'}`);
}
