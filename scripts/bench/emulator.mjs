// Emulator GET throughput: requests/s of `hscc emulator` answering GET on
// loopback against a bare node:http server answering the same JSON bytes,
// measured with autocannon in one run. Target ratio ≥ 0.5.
// The servers run in a worker thread so the load generator does not share
// their event loop. Needs a build (imports dist/).
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP_ID = 1234567;
const API_KEY = 'bench-key';
const PATH = `/crm/v3/extensions/calling/${APP_ID}/settings/channel-connection?hapikey=${API_KEY}`;

/** Worker side: start both servers with identical settings JSON, report their URLs. */
async function serve() {
  const { startEmulator } = await import(pathToFileURL(join(root, 'dist', 'emulator', 'server.js')).href);
  // A no-op sink keeps the access-log formatting cost in the measurement.
  const emulator = await startEmulator({ credentials: { apiKey: API_KEY }, log: () => {} });
  emulator.store.create(APP_ID, 'channel-connection', { url: 'https://help-desk.example/webhook', isReady: true });
  const body = Buffer.from(emulator.store.getJson(APP_ID, 'channel-connection'));
  const bare = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  parentPort.postMessage({ emulator: emulator.url, bare: `http://127.0.0.1:${bare.address().port}` });
}

async function load(url, { connections, durationSec }) {
  const result = await autocannon({ url, connections, duration: durationSec });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors and ${result.non2xx} non-2xx answers under load`);
  }
  return result.requests.average;
}

/**
 * Returns requests/s of the emulator's GET and of the bare server, and their
 * ratio (emulatorRps / bareRps; target ≥ 0.5).
 */
export async function benchEmulator({ connections = 10, durationSec = 5, warmupSec = 1 } = {}) {
  const worker = new Worker(new URL(import.meta.url));
  try {
    const urls = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const targets = { emulator: urls.emulator + PATH, bare: urls.bare + PATH };
    for (const url of Object.values(targets)) await load(url, { connections, durationSec: warmupSec });
    // Two interleaved halves each, so a noisy moment on the shared machine hits both alike.
    const half = { connections, durationSec: Math.max(1, durationSec / 2) };
    const runs = { emulator: [], bare: [] };
    for (let round = 0; round < 2; round += 1) {
      for (const [name, url] of Object.entries(targets)) runs[name].push(await load(url, half));
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
    const emulatorRps = mean(runs.emulator);
    const bareRps = mean(runs.bare);
    return { emulatorRps: Math.round(emulatorRps), bareRps: Math.round(bareRps), ratio: Math.round((emulatorRps / bareRps) * 100) / 100 };
  } finally {
    // The servers hold no state worth a graceful close.
    await worker.terminate();
  }
}

if (!isMainThread) {
  await serve();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchEmulator()));
}
