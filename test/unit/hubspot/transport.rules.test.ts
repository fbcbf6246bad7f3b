// Rules of one HTTP attempt (src/hubspot/transport.ts): answers over 1 MiB
// are an error and are not read further, a body cut off mid-way says so,
// timeouts end the attempt, and nothing is retried or redirected here.
// Against a server on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport, MAX_BODY_BYTES, type AttemptRequest } from '../../../src/hubspot/transport.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** Serves every request with `handle` on 127.0.0.1; returns the base URL and what was received. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handle(req, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received };
}

const get = (url: string, extra: Partial<AttemptRequest> = {}): AttemptRequest => ({ url: `${url}/x`, method: 'GET', headers: {}, searchParams: {}, ...extra });

describe('the 1 MiB limit', () => {
  it('is 1 MiB', () => {
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
  });

  it('a body of exactly 1 MiB, streamed without a length, is read whole', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('a'.repeat(MAX_BODY_BYTES / 2));
      res.end('b'.repeat(MAX_BODY_BYTES / 2));
    });
    const result = await createTransport(5_000)(get(url));
    expect(result.kind).toBe('reply');
    if (result.kind === 'reply') expect(result.reply.body.length).toBe(MAX_BODY_BYTES);
  });

  it('one byte more, streamed without a length, is too large, with the status and no declared size', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(201);
      res.write('a'.repeat(MAX_BODY_BYTES));
      res.end('b');
    });
    expect(await createTransport(5_000)(get(url))).toEqual({ kind: 'too-large', status: 201, declaredBytes: undefined });
  });

  it('a Content-Length over 1 MiB is too large before any of the body is read', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(MAX_BODY_BYTES + 1) });
      // Never sends the body: the declaration alone must decide.
      res.flushHeaders();
    });
    expect(await createTransport(5_000)(get(url))).toEqual({ kind: 'too-large', status: 200, declaredBytes: MAX_BODY_BYTES + 1 });
  });

  it('a Content-Length of exactly 1 MiB is read', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(MAX_BODY_BYTES) });
      res.end('c'.repeat(MAX_BODY_BYTES));
    });
    const result = await createTransport(5_000)(get(url));
    expect(result.kind === 'reply' && result.reply.body.length).toBe(MAX_BODY_BYTES);
  });

  it('an endless body stops at the limit, long before the timeout', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
    });
    expect(await createTransport(60_000)(get(url))).toEqual({ kind: 'too-large', status: 200, declaredBytes: undefined });
  });
});

describe('stopping', () => {
  it('a too-large answer closes the connection, so the server stops sending', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const { url } = await serve((req, res) => {
      req.socket.on('close', () => closed());
      res.writeHead(200);
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    expect(await createTransport(60_000)(get(url))).toMatchObject({ kind: 'too-large' });
    // Without the close this waits until the test times out.
    await connectionClosed;
  });

  it('a Content-Length over the limit closes the connection too', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const { url } = await serve((req, res) => {
      req.socket.on('close', () => closed());
      res.writeHead(200, { 'content-length': String(2 * MAX_BODY_BYTES) });
      res.flushHeaders();
    });
    expect(await createTransport(60_000)(get(url))).toMatchObject({ kind: 'too-large' });
    await connectionClosed;
  });
});

describe('answers', () => {
  it('keeps the status, its text, the headers and the body as UTF-8, even split inside a character', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(418, 'Short And Stout', { 'x-thing': 'v' });
      const bytes = Buffer.from('{"name":"é€"}', 'utf8');
      res.write(bytes.subarray(0, 10));
      setTimeout(() => res.end(bytes.subarray(10)), 5);
    });
    const result = await createTransport(5_000)(get(url));
    expect(result).toMatchObject({ kind: 'reply', reply: { status: 418, statusText: 'Short And Stout', body: '{"name":"é€"}' } });
    expect(result.kind === 'reply' && result.reply.headers['x-thing']).toBe('v');
  });

  it('an empty body is an empty string', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await createTransport(5_000)(get(url, { method: 'DELETE' }))).toMatchObject({ kind: 'reply', reply: { status: 204, body: '' } });
  });

  it('a redirect is an answer, not followed; a 503 is an answer, not retried', async () => {
    const { url, received } = await serve((req, res) => {
      if (req.url === '/x') res.writeHead(302, { location: '/elsewhere' }).end();
      else res.writeHead(503).end('{}');
    });
    expect(await createTransport(5_000)(get(url))).toMatchObject({ kind: 'reply', reply: { status: 302, headers: { location: '/elsewhere' } } });
    expect(await createTransport(5_000)(get(url, { url: `${url}/y` }))).toMatchObject({ kind: 'reply', reply: { status: 503 } });
    expect(received.map((r) => r.url)).toEqual(['/x', '/y']);
  });
});

describe('requests', () => {
  it('sends the method, headers, query and JSON body given; no query string when there is none', async () => {
    const { url, received } = await serve((_req, res) => res.end('{}'));
    const send = createTransport(5_000);
    await send({ url: `${url}/a`, method: 'POST', headers: { authorization: 'Bearer t' }, searchParams: { hapikey: 'k v' }, json: { isReady: true } });
    await send({ url: `${url}/b`, method: 'GET', headers: {}, searchParams: {} });
    await send({ url: `${url}/c`, method: 'PATCH', headers: {}, searchParams: {}, json: { url: 'u' } });
    expect(received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/a?hapikey=k+v', '{"isReady":true}'],
      ['GET', '/b', ''],
      ['PATCH', '/c', '{"url":"u"}'],
    ]);
    expect(received[0]?.headers.authorization).toBe('Bearer t');
    expect(received[0]?.headers['content-type']).toMatch(/application\/json/);
    // HubSpot answers JSON; every request says it wants JSON.
    expect(received.map((r) => r.headers.accept)).toEqual(['application/json', 'application/json', 'application/json']);
  });

  it('a DELETE without a body is sent and answered (not left open)', async () => {
    const { url, received } = await serve((_req, res) => res.writeHead(204).end());
    expect(await createTransport(2_000)({ url: `${url}/d`, method: 'DELETE', headers: {}, searchParams: {} })).toMatchObject({ kind: 'reply', reply: { status: 204 } });
    expect(received.map((r) => r.method)).toEqual(['DELETE']);
  });
});

describe('no complete answer', () => {
  it('a body cut off mid-way is a network failure in the body phase, not a timeout', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const result = await createTransport(5_000)(get(url));
    expect(result).toMatchObject({ kind: 'network', timedOut: false, phase: 'body' });
    expect(result.kind === 'network' && result.code).toMatch(/^[A-Z_]+$/);
  });

  it('a refused connection fails in the request phase with its code', async () => {
    const { url } = await serve((_req, res) => res.end());
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await createTransport(5_000)(get(url))).toEqual({ kind: 'network', code: 'ECONNREFUSED', timedOut: false, phase: 'request' });
  });

  it('no headers within the timeout is a timeout in the request phase', async () => {
    const { url } = await serve(() => {});
    expect(await createTransport(200)(get(url))).toMatchObject({ kind: 'network', timedOut: true, phase: 'request' });
  });

  it('headers but no complete body within the timeout is a timeout in the body phase', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
    });
    expect(await createTransport(200)(get(url))).toMatchObject({ kind: 'network', timedOut: true, phase: 'body' });
  });
});
