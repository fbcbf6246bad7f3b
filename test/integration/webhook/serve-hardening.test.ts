// serve under hostile or heavy clients, at a scale a test run affords (the
// full-scale figures come from scripts/bench/serve-flood.mjs). No timed
// assertions: every wait is for an event.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from '../../../src/webhook/server.js';
import { signRequestV3 } from '../../../src/webhook/signature.js';
import { buildApp, phone } from '../../unit/webhook/build-app.js';
import { send } from './http-client.js';
import { waitFor } from './wait-for.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SECRET = 'hardening-secret';
const HOOK = 'https://hooks.example.com/numbers';
const app = buildApp({ appId: 1, url: HOOK, phoneNumbers: [phone('+14155552671', 'Desk')] });
const BODY = JSON.stringify({ appId: 1, portalId: 42, userId: 7 });
const SIGNED = signRequestV3({ clientSecret: SECRET, method: 'POST', url: HOOK, body: BODY, timestamp: NOW });
const REQUEST =
  `POST /numbers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n` +
  `X-HubSpot-Signature-v3: ${SIGNED['X-HubSpot-Signature-v3']}\r\nX-HubSpot-Request-Timestamp: ${SIGNED['X-HubSpot-Request-Timestamp']}\r\n\r\n${BODY}`;

let server: WebhookServer | undefined;
let logs: string[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close(100);
  server = undefined;
});

async function start(options: Partial<WebhookServerOptions> = {}): Promise<{ host: string; port: number }> {
  logs = [];
  server = await startWebhookServer({ apps: [app], env: { HUBSPOT_CLIENT_SECRET: SECRET }, now: () => NOW, log: (line) => logs.push(line), ...options });
  const { hostname, port } = new URL(server.url);
  return { host: hostname, port: Number(port) };
}

/** What a raw connection ended with: everything received, and whether it ended with an error (a reset the client sees). */
function rawExchange(
  where: { host: string; port: number },
  write: (socket: Socket) => void,
): Promise<{ data: string; error: string | undefined }> {
  return new Promise((resolve) => {
    const socket = connect(where.port, where.host, () => write(socket));
    sockets.push(socket);
    let data = '';
    let error: string | undefined;
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ data, error }));
  });
}

describe('serve answers every complete request', () => {
  it('answers each of 400 concurrent clients that half-close right after sending, and logs exactly the answers written', async () => {
    const where = await start();
    const results = await Promise.all(
      Array.from({ length: 400 }, () =>
        rawExchange(where, (socket) => {
          socket.write(REQUEST);
          socket.end();
        }),
      ),
    );
    const answered = results.filter((r) => r.data.startsWith('HTTP/1.1 200 OK'));
    const silent = results.filter((r) => r.data === '' && r.error === undefined);
    expect(silent).toHaveLength(0);
    expect(answered).toHaveLength(400);
    expect(answered.every((r) => r.data.endsWith('"friendlyName": "Desk"\n    }\n  ]\n}\n'))).toBe(true);
    await waitFor(() => (logs.length >= answered.length ? true : undefined), 'one log line per answer');
    expect(logs.filter((line) => / 200 /.test(line))).toHaveLength(answered.length);
  });

  it('answers a half-closed pipelined pair in order, then ends the connection', async () => {
    const where = await start();
    const result = await rawExchange(where, (socket) => {
      socket.write(REQUEST + REQUEST.replace('POST /numbers', 'POST /again'));
      socket.end();
    });
    expect(result.error).toBeUndefined();
    expect(result.data.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
  });

  it('logs nothing for a client that is gone before its answer is written', async () => {
    const where = await start({ timeouts: { requestMs: 60_000 } });
    // Headers and most of the body, then a reset: there is never a complete request to answer.
    await rawExchange(where, (socket) => {
      socket.write(REQUEST.slice(0, -5), () => socket.resetAndDestroy());
    });
    // A later request's line proves the server has processed the reset by now.
    expect((await send(`${server?.url}/healthz`, { method: 'GET' })).status).toBe(200);
    await waitFor(() => (logs.some((line) => line.includes('/healthz')) ? true : undefined), 'the healthz line');
    // The cut-off request never gets a POST line; at most the server's 400 for the torn request, if it reached the socket.
    expect(logs.filter((line) => line.includes('POST'))).toEqual([]);
    expect(logs.filter((line) => !line.includes('/healthz'))).toEqual(logs.filter((line) => / 400 0\.0ms bad-http /.test(line)));
  });
});

describe('serve bounds connections, time and memory', () => {
  it('closes connections beyond the cap on accept, visibly, and accepts again once one ends', async () => {
    const where = await start({ maxConnections: 3, timeouts: { headersMs: 60_000, requestMs: 60_000 } });
    const held = Array.from({ length: 3 }, () => {
      const socket = connect(where.port, where.host);
      sockets.push(socket);
      return socket;
    });
    // Wait until the server has accepted all three (each answers a request it can parse).
    for (const socket of held) {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => socket.once('data', resolve));
    }
    const refused = await rawExchange(where, (socket) => socket.write(REQUEST));
    expect(refused.data).toBe('');
    expect(refused.error ?? 'closed').toMatch(/ECONNRESET|EPIPE|closed/);
    held[0]?.destroy();
    await waitFor(() => (held[0]?.destroyed ? true : undefined), 'the first connection to close');
    // The server sees the close asynchronously: retry (bounded) until a slot is free.
    let answer = '';
    for (let attempt = 0; attempt < 50 && !answer.startsWith('HTTP/1.1 200 OK'); attempt++) {
      answer = (await rawExchange(where, (socket) => { socket.write(REQUEST); socket.end(); })).data;
    }
    expect(answer.startsWith('HTTP/1.1 200 OK')).toBe(true);
  });

  it('answers 408 to slow headers and to a slow body, and closes an idle connection', async () => {
    const where = await start({ timeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 300, checkIntervalMs: 100 } });
    const slowHeaders = await rawExchange(where, (socket) => socket.write('POST /numbers HTTP/1.1\r\nHost: x\r\n'));
    expect(slowHeaders.data).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    const slowBody = await rawExchange(where, (socket) => socket.write(REQUEST.slice(0, -10)));
    expect(slowBody.data).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // A connection that never sends a byte is closed too (Node counts headersTimeout from the connection's start).
    const idle = await rawExchange(where, () => undefined);
    expect(idle.data === '' || /^HTTP\/1\.1 408 /.test(idle.data)).toBe(true);
    const keptAlive = await rawExchange(where, (socket) => socket.write(REQUEST));
    expect(keptAlive.data.startsWith('HTTP/1.1 200 OK')).toBe(true);
  });

  it('answers 431 to a request head over 8 KiB', async () => {
    const where = await start();
    const result = await rawExchange(where, (socket) => socket.write(`POST /numbers HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(9_000)}\r\n\r\n`));
    expect(result.data).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('refuses with 503 the body that would exceed the shared budget, keeps answering small requests, and frees the budget', async () => {
    const where = await start({ bodyBudgetBytes: 64 * 1024, timeouts: { requestMs: 60_000 } });
    const big = (length: number) => `POST /numbers HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`;
    // First holder: 60,000 bytes sent of 60,001; ~56 KiB of the budget held.
    const first = connect(where.port, where.host);
    sockets.push(first);
    first.write(big(60_001) + 'x'.repeat(60_000));
    // Prove the server has read it: the second holder, needing ~36 KiB more, is refused.
    const second = await rawExchange(where, (socket) => socket.write(big(40_001) + 'x'.repeat(40_000)));
    expect(second.data).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(second.data).toMatch(/Retry-After: 1\r\n/i);
    expect(second.data).toContain('"code":"busy"');
    // Small (HubSpot-sized) requests never count against the budget.
    const small = await rawExchange(where, (socket) => { socket.write(REQUEST); socket.end(); });
    expect(small.data.startsWith('HTTP/1.1 200 OK')).toBe(true);
    // Once the first holder goes, its share returns.
    first.destroy();
    let third = { data: '', error: undefined as string | undefined };
    for (let attempt = 0; attempt < 50 && !third.data.includes(' 401 '); attempt++) {
      // Complete, unsigned: a 401 (not 503) shows the body was accepted.
      third = await rawExchange(where, (socket) => { socket.write(big(40_000) + 'x'.repeat(40_000)); socket.end(); });
      if (third.data.includes(' 400 ')) break;
    }
    expect(third.data).toMatch(/^HTTP\/1\.1 400 /);
    expect(third.data).toContain('invalid-json');
  });
});
