// Benchmark: `serve` against hostile and heavy clients, at full scale
// (issue 10 item 3; the vitest suite checks the same at a smaller scale):
//  1. N clients (default 3,000) at once, each sending one signed request and
//     then half-closing: how many get an answer, how many see a reset, how
//     many are dropped silently (the connection closes with nothing), and
//     whether the access log has exactly one line per answer.
//  2. M connections (default 10,000) each holding a 64 KiB body one byte
//     short of complete, while good requests keep coming: the server's peak
//     RSS (VmHWM) and how many good requests were answered.
// Standalone: prints one JSON line.
//   node scripts/bench/serve-flood.mjs [--mode cli|module] [--clients N] [--flood M]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oneAppConfig, signedRequests, startServe } from './serve-target.mjs';

const self = fileURLToPath(import.meta.url);

/** The server's resident set now and at its peak (Linux /proc), MB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

function rawRequest({ method, path, headers, body }) {
  const head = Object.entries({ host: 'bench', 'content-length': Buffer.byteLength(body), ...headers })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return `${method} ${path} HTTP/1.1\r\n${head}\r\n\r\n${body}`;
}

/** One client: send, half-close, collect until the server closes. */
function halfCloser(port, bytes) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      socket.end();
    });
    let data = '';
    let error;
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', (e) => (error = e.code ?? e.message));
    socket.on('close', () => resolve(data.startsWith('HTTP/1.1 200') ? 'answered' : error !== undefined ? 'reset' : data === '' ? 'silent' : 'other'));
  });
}

async function halfClosers(server, count, request) {
  const port = Number(new URL(server.url).port);
  const bytes = rawRequest(request);
  const outcomes = await Promise.all(Array.from({ length: count }, () => halfCloser(port, bytes)));
  const tally = { answered: 0, reset: 0, silent: 0, other: 0 };
  for (const o of outcomes) tally[o]++;
  return tally;
}

/** Opens `count` connections that each send headers and 64 KiB − 1 of a 64 KiB body, then wait. */
async function flood(server, count) {
  const port = Number(new URL(server.url).port);
  const head = Buffer.from('POST /hooks/1234567 HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n');
  const body = Buffer.alloc(65_535, 0x20);
  const sockets = [];
  const state = { refused: 0, closed: 0, errors: 0 };
  // In waves, so the bench's own connects do not trip the accept queue.
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, () =>
        new Promise((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(head);
            socket.write(body);
            resolve();
          });
          socket.on('data', (chunk) => {
            if (chunk.toString('latin1').startsWith('HTTP/1.1 503')) state.refused++;
          });
          socket.on('error', () => {
            state.errors++;
            resolve();
          });
          socket.on('close', () => state.closed++);
          sockets.push(socket);
        }),
      ),
    );
  }
  return { sockets, state };
}

async function goodRequests(server, requests, count) {
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const r = requests[i % requests.length];
    try {
      const res = await fetch(`${server.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.status === 200) ok++;
      else failed++;
    } catch {
      failed++;
    }
  }
  return { ok, failed };
}

export async function benchServeFlood({ mode = 'cli', clients = 3_000, floodConnections = 10_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-flood-'));
  const apps = oneAppConfig();
  try {
    const server = await startServe({ mode, apps, dir });
    try {
      const [request] = await signedRequests(apps, 1);
      const halfClose = await halfClosers(server, clients, request);
      // The log is batched (every 50 ms at most): wait for it to settle, boundedly.
      for (let i = 0; i < 100 && server.logged200() < halfClose.answered; i++) await new Promise((r) => setTimeout(r, 20));
      const loggedAnswers = server.logged200();
      const afterHalfClose = memory(server.pid);
      const good = await signedRequests(apps, 50);
      const { sockets, state } = await flood(server, floodConnections);
      const duringFlood = await goodRequests(server, good, 200);
      const peak = memory(server.pid);
      const held = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
      for (const s of sockets) s.destroy();
      return {
        benchmark: 'serveFlood',
        mode,
        halfClosers: { clients, ...halfClose, accessLog200Lines: loggedAnswers },
        flood: { connections: floodConnections, stillHeldAtEnd: held, refused503: state.refused, connectErrors: state.errors },
        goodRequestsDuringFlood: duringFlood,
        serverMemory: { afterHalfClosersMb: afterHalfClose.rssMb, ...peak },
        target: { silent: 0, peakRssMb: 400 },
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

if (process.argv[1] === self) {
  const result = await benchServeFlood({ mode: flag('--mode', 'cli'), clients: Number(flag('--clients', 3000)), floodConnections: Number(flag('--flood', 10000)) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
