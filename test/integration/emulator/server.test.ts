import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorConfig, type RunningEmulator } from '../../../src/emulator/server.js';
import { UserError } from '../../../src/errors.js';

const KEY = 'dev-key-123';
const TOKEN = 'token-abc';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let running: RunningEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.map((e) => e.close()));
  running = [];
});

async function start(config: EmulatorConfig = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ credentials: { apiKey: KEY, accessToken: TOKEN }, ...config });
  running.push(emulator);
  return emulator;
}

type Flavour = 'v3' | '2026-03';

interface CallOptions {
  flavour?: Flavour;
  appId?: number | string;
  method?: string;
  body?: unknown;
  /** Raw body text, sent as is. */
  raw?: string;
  credential?: string | null;
}

function apiUrl(base: string, flavour: Flavour, appId: number | string, credential: string | null): string {
  if (flavour === 'v3') {
    const query = credential === null ? '' : `?hapikey=${encodeURIComponent(credential)}`;
    return `${base}/crm/v3/extensions/calling/${appId}/settings/channel-connection${query}`;
  }
  return `${base}/crm/extensions/calling/2026-03/${appId}/settings/channel-connection`;
}

async function call(emulator: RunningEmulator, options: CallOptions = {}) {
  const flavour = options.flavour ?? 'v3';
  const credential = options.credential === undefined ? (flavour === 'v3' ? KEY : TOKEN) : options.credential;
  const headers: Record<string, string> = {};
  if (flavour === '2026-03' && credential !== null) headers.authorization = `Bearer ${credential}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(apiUrl(emulator.url, flavour, options.appId ?? 7, credential), {
    method: options.method ?? 'GET',
    headers,
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

async function control(emulator: RunningEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** A raw HTTP exchange, for answers fetch hides (resets, truncated bodies). */
function rawRequest(url: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const settings = { url: 'https://help-desk.example/webhook', isReady: true };

describe('startEmulator', () => {
  it('listens on 127.0.0.1 with a free port and reports its base URL', async () => {
    const emulator = await start();
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.port).toBeGreaterThan(0);
  });

  it('serves the full lifecycle in both flavours over one shared state', async () => {
    let now = Date.UTC(2026, 2, 1, 10, 0, 0);
    const emulator = await start({ now: () => now });
    expect((await call(emulator)).status).toBe(404);

    const created = await call(emulator, { method: 'POST', body: settings });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(created.json).toEqual({ ...settings, createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z' });

    const read = await call(emulator, { flavour: '2026-03' });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);

    now += 5_000;
    const patched = await call(emulator, { flavour: '2026-03', method: 'PATCH', body: { isReady: false } });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ ...settings, isReady: false, createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:05.000Z' });

    const deleted = await call(emulator, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call(emulator, { flavour: '2026-03' })).status).toBe(404);
  });

  it('answers 404 OBJECT_NOT_FOUND for GET, PATCH and DELETE of missing settings', async () => {
    const emulator = await start();
    for (const [method, body] of [['GET'], ['PATCH', { isReady: true }], ['DELETE']] as const) {
      const response = await call(emulator, { method, body });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
      expect(response.json?.correlationId).toMatch(UUID);
    }
  });

  it('answers 409 CONFLICT to a POST when settings exist', async () => {
    const emulator = await start();
    await call(emulator, { method: 'POST', body: settings });
    const again = await call(emulator, { method: 'POST', body: { ...settings, isReady: false } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ status: 'error', category: 'CONFLICT' });
    expect(emulator.store.get(7)?.isReady).toBe(true);
  });

  it('defaults isReady to false on POST and keeps ISO timestamps', async () => {
    const emulator = await start();
    const created = await call(emulator, { method: 'POST', body: { url: settings.url } });
    expect(created.json).toMatchObject({ isReady: false });
    expect(created.json?.createdAt).toMatch(ISO);
  });

  describe('authentication', () => {
    it.each([
      ['v3', null, /not found/],
      ['v3', 'wrong', /invalid/],
      ['v3', '', /not found/],
      ['2026-03', null, /not found/],
      ['2026-03', 'wrong', /invalid/],
    ] as const)('%s with credential %j → 401 without echoing it', async (flavour, credential, message) => {
      const emulator = await start();
      const response = await call(emulator, { flavour, credential });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
      expect(response.json?.message).toMatch(message);
      expect(response.json?.correlationId).toMatch(UUID);
      if (credential) expect(response.text).not.toContain(credential);
    });

    it('does not accept the API key as a bearer token, nor the token as hapikey', async () => {
      const emulator = await start();
      expect((await call(emulator, { flavour: '2026-03', credential: KEY })).status).toBe(401);
      expect((await call(emulator, { flavour: 'v3', credential: TOKEN })).status).toBe(401);
    });

    it('accepts any non-empty credential when none is configured', async () => {
      const emulator = await startEmulator();
      running.push(emulator);
      expect((await call(emulator, { flavour: 'v3', credential: 'anything' })).status).toBe(404);
      expect((await call(emulator, { flavour: '2026-03', credential: 'whatever' })).status).toBe(404);
      expect((await call(emulator, { flavour: 'v3', credential: null })).status).toBe(401);
    });
  });

  describe('validation', () => {
    it.each([
      ['POST', { isReady: true }, 'url'],
      ['POST', { url: 'https://a.example/', isReady: 'yes' }, 'isReady'],
      ['POST', { url: '', isReady: true }, 'url'],
      ['POST', { url: 'relative/path', isReady: true }, 'url'],
      ['POST', { url: 'https://a.example/', isReady: true, extra: 1 }, 'extra'],
      ['PATCH', { isReady: 'false' }, 'isReady'],
    ] as const)('%s %j → 400 naming %s', async (method, body, field) => {
      const emulator = await start();
      if (method === 'PATCH') emulator.store.create(7, settings);
      const response = await call(emulator, { method, body });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      expect((response.json?.errors as { in?: string }[]).map((e) => e.in)).toContain(field);
      if (method === 'PATCH') expect(emulator.store.get(7)).toMatchObject(settings);
    });

    it('answers 400 to a PATCH without fields', async () => {
      const emulator = await start();
      emulator.store.create(7, settings);
      const response = await call(emulator, { method: 'PATCH', body: {} });
      expect(response.status).toBe(400);
      expect(response.json?.message).toMatch(/At least one of url and isReady/);
    });

    it.each(['{"url": "https://a.example/",', '', 'null', '[1]'])('answers 400 VALIDATION_ERROR to the body %j', async (raw) => {
      const emulator = await start();
      const response = await call(emulator, { method: 'POST', raw });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      expect((response.json?.errors as unknown[]).length).toBeGreaterThan(0);
      expect(emulator.store.size).toBe(0);
    });

    it.each(['0', '-5', '2147483648', 'abc'])('answers 400 to the appId %s', async (appId) => {
      const emulator = await start();
      const response = await call(emulator, { appId });
      expect(response.status).toBe(400);
      expect(response.json?.message).toMatch(/appId/);
    });

    it('answers 413 to a body over 1 MiB and stays up', async () => {
      const emulator = await start();
      const raw = JSON.stringify({ url: `https://a.example/${'x'.repeat(1024 * 1024)}`, isReady: true });
      const response = await call(emulator, { method: 'POST', raw });
      expect(response.status).toBe(413);
      expect(response.json).toMatchObject({ status: 'error' });
      expect((await call(emulator)).status).toBe(404);
    });

    it('answers 404 JSON to an unknown path', async () => {
      const emulator = await start();
      const response = await fetch(`${emulator.url}/crm/v3/somewhere-else`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ status: 'error', category: 'NOT_FOUND' });
    });

    it('answers 405 JSON with Allow to an unsupported method', async () => {
      const emulator = await start();
      const response = await call(emulator, { method: 'PUT', body: settings });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST, PATCH, DELETE');
      expect(response.json).toMatchObject({ status: 'error' });
    });

    it('answers malformed HTTP with a JSON 400 and keeps serving', async () => {
      const emulator = await start();
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(emulator.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      expect(reply).toContain('"status":"error"');
      expect((await call(emulator)).status).toBe(404);
    });
  });

  describe('rate limit', () => {
    it('sends no rate-limit headers without a configured limit', async () => {
      const emulator = await start();
      const response = await call(emulator);
      expect(response.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    });

    it('reports the window in headers and answers 429 with Retry-After beyond it', async () => {
      let now = 1_000_000;
      const emulator = await start({ rateLimit: { max: 2, intervalMs: 10_000 }, now: () => now });
      const first = await call(emulator);
      expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('2');
      expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
      expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      now += 4_000;
      expect((await call(emulator)).headers.get('x-hubspot-ratelimit-remaining')).toBe('0');

      now += 500;
      const limited = await call(emulator);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('6');
      expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      expect(limited.json).toMatchObject({
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
        category: 'RATE_LIMITS',
      });
      expect(limited.json?.correlationId).toMatch(UUID);

      // The first request leaves the window at +10 s; the refused one never counted.
      now = 1_010_000;
      expect((await call(emulator)).status).toBe(404);
      expect((await control(emulator, 'GET', 'requests')).json).toMatchObject({ total: 4, rateLimited: 1 });
    });

    it('keeps a window per credential, and 401s do not count', async () => {
      const emulator = await startEmulator({ rateLimit: { max: 1, intervalMs: 60_000 } });
      running.push(emulator);
      expect((await call(emulator, { credential: 'a' })).status).toBe(404);
      expect((await call(emulator, { credential: 'b' })).status).toBe(404);
      expect((await call(emulator, { credential: 'a' })).status).toBe(429);
      const unauthenticated = await call(emulator, { credential: null });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('x-hubspot-ratelimit-max')).toBe('1');
    });
  });

  describe('faults', () => {
    it('fails the next COUNT matching requests with a status, then recovers', async () => {
      const emulator = await start({ faults: ['GET:2:503'] });
      const first = await call(emulator);
      expect(first.status).toBe(503);
      expect(first.json).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
      expect(first.json?.correlationId).toMatch(UUID);
      expect((await call(emulator, { method: 'DELETE' })).status).toBe(404);
      expect((await call(emulator)).status).toBe(503);
      expect((await call(emulator)).status).toBe(404);
    });

    it('sends Retry-After on a status fault when the spec asks for it', async () => {
      const emulator = await start({ faults: ['POST:1:503+retry-after=0', 'GET:1:503'] });
      const withHeader = await call(emulator, { method: 'POST', body: { url: 'https://x.example.com', isReady: true } });
      expect(withHeader.status).toBe(503);
      expect(withHeader.headers.get('retry-after')).toBe('0');
      expect((await call(emulator)).headers.get('retry-after')).toBeNull();
    });

    it('applies before auth', async () => {
      const emulator = await start({ faults: ['*:1:500'] });
      expect((await call(emulator, { credential: 'wrong' })).status).toBe(500);
      expect((await call(emulator, { credential: 'wrong' })).status).toBe(401);
    });

    it('answers a 429 fault as a rolling limit with Retry-After: 1', async () => {
      const emulator = await start({ faults: ['GET:1:429'] });
      const response = await call(emulator);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.json).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', category: 'RATE_LIMITS' });
    });

    it('answers 429-daily with policyName DAILY and no Retry-After', async () => {
      const emulator = await start({ faults: ['GET:1:429-daily'] });
      const response = await call(emulator);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBeNull();
      expect(response.json).toMatchObject({ policyName: 'DAILY', errorType: 'RATE_LIMIT' });
      expect((await control(emulator, 'GET', 'requests')).json).toMatchObject({ rateLimited: 1 });
    });

    it('resets the connection without answering', async () => {
      const emulator = await start({ faults: ['GET:1:reset'] });
      await expect(rawRequest(apiUrl(emulator.url, 'v3', 7, KEY))).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/) });
      expect((await call(emulator)).status).toBe(404);
    });

    it('answers truncated JSON with 200 and leaves the state alone', async () => {
      const emulator = await start({ faults: ['POST:1:truncated'] });
      const response = await call(emulator, { method: 'POST', body: settings }).catch((error: unknown) => error);
      // call() parses the body, which must fail: the JSON is cut.
      expect(response).toBeInstanceOf(SyntaxError);
      expect(emulator.store.size).toBe(0);
    });

    it('sends a truncated body with a JSON content type and a consistent length', async () => {
      const emulator = await start({ faults: ['GET:1:truncated'] });
      emulator.store.create(7, settings);
      const response = await rawRequest(apiUrl(emulator.url, 'v3', 7, KEY));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.text.length).toBe((emulator.store.getJson(7) ?? '').length >> 1);
      expect(() => JSON.parse(response.text) as unknown).toThrow(SyntaxError);
    });

    it('performs the write, then answers 500 for 500-after-write', async () => {
      const emulator = await start({ faults: ['POST:1:500-after-write'] });
      const response = await call(emulator, { method: 'POST', body: settings });
      expect(response.status).toBe(500);
      expect(emulator.store.get(7)).toMatchObject(settings);
    });

    it('delays with delay=MS, then answers normally', async () => {
      const emulator = await start({ faults: ['GET:1:delay=150'] });
      const started = performance.now();
      expect((await call(emulator)).status).toBe(404);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('rejects an invalid spec at start, naming it', async () => {
      await expect(startEmulator({ faults: ['GET:1:500', 'GET:lots:500'] })).rejects.toThrow(UserError);
      await expect(startEmulator({ faults: ['GET:lots:500'] })).rejects.toThrow(/invalid fault "GET:lots:500": count must be/);
    });
  });

  it('delays every API response by --latency', async () => {
    const emulator = await start({ latencyMs: 120 });
    const started = performance.now();
    await call(emulator);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  describe('control API', () => {
    it('reads and replaces the state, validating it', async () => {
      const emulator = await start({ now: () => Date.UTC(2026, 0, 1) });
      const state = { apps: { '42': { url: 'https://a.example/', isReady: true, createdAt: '2024-04-30 12:01', updatedAt: '2024-04-30 12:01' } } };
      expect(await control(emulator, 'PUT', 'state', state)).toEqual({ status: 200, json: state });
      expect((await control(emulator, 'GET', 'state')).json).toEqual(state);
      expect((await call(emulator, { appId: 42 })).json).toEqual(state.apps['42']);

      const bad = await control(emulator, 'PUT', 'state', { apps: { '42': { url: 'https://a.example/' } } });
      expect(bad.status).toBe(400);
      expect(bad.json?.message).toMatch(/isReady must be a boolean/);
      expect((await control(emulator, 'PUT', 'state', '{nope')).status).toBe(400);
      expect((await control(emulator, 'GET', 'state')).json).toEqual(state);
    });

    it('adds faults, lists them and validates them', async () => {
      const emulator = await start();
      const added = await control(emulator, 'POST', 'faults', { method: 'PATCH', count: 2, kind: 502 });
      expect(added).toEqual({ status: 201, json: { faults: [{ method: 'PATCH', count: 2, kind: '502' }] } });
      emulator.store.create(7, settings);
      expect((await call(emulator, { method: 'PATCH', body: { isReady: false } })).status).toBe(502);
      expect((await control(emulator, 'GET', 'faults')).json).toEqual({ faults: [{ method: 'PATCH', count: 1, kind: '502' }] });

      const bad = await control(emulator, 'POST', 'faults', { method: 'PUT', kind: 'boom', extra: true });
      expect(bad.status).toBe(400);
      expect((bad.json?.errors as { in?: string }[]).map((e) => e.in).sort()).toEqual(['extra', 'kind', 'method']);
    });

    it('counts API requests by method, and concurrency', async () => {
      const emulator = await start({ latencyMs: 100 });
      await Promise.all([call(emulator), call(emulator), call(emulator, { method: 'DELETE' })]);
      await call(emulator, { method: 'POST', body: settings });
      await fetch(`${emulator.url}/nowhere`);
      const counts = (await control(emulator, 'GET', 'requests')).json;
      expect(counts).toEqual({ total: 5, byMethod: { GET: 3, POST: 1, PATCH: 0, DELETE: 1 }, rateLimited: 0, maxConcurrent: 3 });
    });

    it('resets state, faults and counters', async () => {
      const emulator = await start({ faults: ['GET:5:500'] });
      emulator.store.create(7, settings);
      await call(emulator);
      expect((await control(emulator, 'POST', 'reset')).status).toBe(204);
      expect((await control(emulator, 'GET', 'state')).json).toEqual({ apps: {} });
      expect((await control(emulator, 'GET', 'faults')).json).toEqual({ faults: [] });
      expect((await control(emulator, 'GET', 'requests')).json).toMatchObject({ total: 0, byMethod: { GET: 0 } });
      expect((await call(emulator)).status).toBe(404);
    });

    it('answers unknown control routes 404 and wrong methods 405, and needs no credential', async () => {
      const emulator = await start();
      expect((await control(emulator, 'GET', 'nope')).status).toBe(404);
      const wrong = await fetch(`${emulator.url}/__emulator/state`, { method: 'DELETE' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, PUT');
    });
  });

  it('logs one line per request without the query string or credentials', async () => {
    const lines: string[] = [];
    const emulator = await start({ log: (line) => lines.push(line) });
    await call(emulator);
    await call(emulator, { flavour: '2026-03', method: 'POST', body: settings });
    await control(emulator, 'GET', 'requests');
    await emulator.close();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^GET \/crm\/v3\/extensions\/calling\/7\/settings\/channel-connection 404 \d+ms$/);
    expect(lines[1]).toMatch(/^POST \/crm\/extensions\/calling\/2026-03\/7\/settings\/channel-connection 200 \d+ms$/);
    expect(lines[2]).toMatch(/^GET \/__emulator\/requests 200 \d+ms$/);
    expect(lines.join('\n')).not.toMatch(new RegExp(`${KEY}|${TOKEN}|hapikey`));
  });

  it('ends delayed requests and closes promptly', async () => {
    const emulator = await startEmulator({ latencyMs: 60_000 });
    const pending = call(emulator, { credential: 'x' }).catch((error: unknown) => error);
    // Wait until the request has arrived, then close.
    for (let i = 0; i < 200 && ((await control(emulator, 'GET', 'requests')).json?.total ?? 0) === 0; i += 1);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('reports a port in use as a UserError', async () => {
    const emulator = await start();
    await expect(startEmulator({ port: emulator.port })).rejects.toThrow(/already in use/);
  });
});
