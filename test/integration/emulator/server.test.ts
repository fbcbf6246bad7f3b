import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiVersion } from '../../../src/config/model.js';
import { startEmulator, type EmulatorConfig, type RunningEmulator } from '../../../src/emulator/server.js';
import { UserError } from '../../../src/errors.js';
import { API_VERSION_TABLE } from '../../../src/hubspot/api-versions.js';
import { createHubSpotClient } from '../../../src/hubspot/client.js';
import { isHubSpotErrorShape } from '../../../src/hubspot/errors.js';
import { RESOURCES, resourceNamed, type ResourceName } from '../../../src/resources/index.js';
import { calling, recording, settings as channelConnection } from '../../helpers/builders.js';

const KEY = 'dev-key-123';
const TOKEN = 'token-abc';
const READ_ONLY = 'read-only-xyz';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let running: RunningEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.map((e) => e.close()));
  running = [];
});

async function start(config: EmulatorConfig = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ credentials: { apiKey: KEY, accessToken: TOKEN, readOnlyToken: READ_ONLY }, ...config });
  running.push(emulator);
  return emulator;
}

type Auth = 'key' | 'bearer';

interface CallOptions {
  apiVersion?: ApiVersion;
  resource?: ResourceName;
  auth?: Auth;
  appId?: number | string;
  method?: string;
  body?: unknown;
  /** Raw body text, sent as is. */
  raw?: string;
  credential?: string | null;
}

function apiPath(apiVersion: ApiVersion, appId: number | string, resource: ResourceName): string {
  return `${API_VERSION_TABLE[apiVersion].pathPrefix}/${appId}/${resourceNamed(resource).pathSegment}`;
}

function apiUrl(base: string, options: CallOptions = {}): string {
  const auth = options.auth ?? 'key';
  const credential = options.credential === undefined ? (auth === 'key' ? KEY : TOKEN) : options.credential;
  const query = auth === 'key' && credential !== null ? `?hapikey=${encodeURIComponent(credential)}` : '';
  return `${base}${apiPath(options.apiVersion ?? 'v3', options.appId ?? 7, options.resource ?? 'channel-connection')}${query}`;
}

/** Sends `bytes` as they are on a fresh connection; resolves to everything read until the server ends it. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

async function call(emulator: RunningEmulator, options: CallOptions = {}) {
  const auth = options.auth ?? 'key';
  const credential = options.credential === undefined ? (auth === 'key' ? KEY : TOKEN) : options.credential;
  const headers: Record<string, string> = {};
  if (auth === 'bearer' && credential !== null) headers.authorization = `Bearer ${credential}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(apiUrl(emulator.url, options), { method: options.method ?? 'GET', headers, body });
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

const settings = channelConnection();
const callingFields = calling();
/** A complete create body per resource, and a patch that changes one field. */
const SAMPLES: Record<ResourceName, { create: Record<string, unknown>; patch: Record<string, unknown> }> = {
  'calling-settings': { create: callingFields, patch: { width: 420 } },
  'recording-settings': { create: recording(), patch: { urlToRetrieveAuthedRecording: 'https://b.example/%s' } },
  'channel-connection': { create: settings, patch: { isReady: false } },
};
const VERSIONS = Object.keys(API_VERSION_TABLE) as ApiVersion[];

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

    const read = await call(emulator, { apiVersion: '2026-03', auth: 'bearer' });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);

    now += 5_000;
    const patched = await call(emulator, { apiVersion: '2026-03', auth: 'bearer', method: 'PATCH', body: { isReady: false } });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ ...settings, isReady: false, createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:05.000Z' });

    const deleted = await call(emulator, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call(emulator, { apiVersion: '2026-03', auth: 'bearer' })).status).toBe(404);
  });

  describe.each(RESOURCES.map((r) => r.name))('%s', (resource) => {
    const { create, patch } = SAMPLES[resource];
    const deletable = resourceNamed(resource).deletable;

    it.each(VERSIONS.flatMap((apiVersion) => (['key', 'bearer'] as const).map((auth) => [apiVersion, auth] as const)))(
      'serves the lifecycle on %s with %s auth, HubSpot-shaped',
      async (apiVersion, auth) => {
        let now = Date.UTC(2026, 2, 1, 10, 0, 0);
        const emulator = await start({ now: () => now });
        const on = { resource, apiVersion, auth };
        const missing = await call(emulator, on);
        expect(missing.status).toBe(404);
        expect(missing.json).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
        expect(missing.json?.correlationId).toMatch(UUID);
        expect(missing.headers.get('content-type')).toMatch(/^application\/json/);

        const created = await call(emulator, { ...on, method: 'POST', body: create });
        expect(created.status).toBe(200);
        const stamp = '2026-03-01T10:00:00.000Z';
        expect(created.json).toEqual({ ...create, createdAt: stamp, updatedAt: stamp });
        expect((await call(emulator, on)).json).toEqual(created.json);
        // Every version and auth see the one state.
        expect((await call(emulator, { resource, apiVersion: 'v3', auth: 'key' })).json).toEqual(created.json);

        const conflict = await call(emulator, { ...on, method: 'POST', body: create });
        expect(conflict.status).toBe(409);
        expect(conflict.json).toMatchObject({ status: 'error', category: 'CONFLICT' });

        now += 5_000;
        const patched = await call(emulator, { ...on, method: 'PATCH', body: patch });
        expect(patched.status).toBe(200);
        expect(patched.json).toEqual({ ...create, ...patch, createdAt: stamp, updatedAt: '2026-03-01T10:00:05.000Z' });

        const deleted = await call(emulator, { ...on, method: 'DELETE' });
        if (deletable) {
          expect(deleted.status).toBe(204);
          expect(deleted.text).toBe('');
          expect((await call(emulator, on)).status).toBe(404);
          const again = await call(emulator, { ...on, method: 'DELETE' });
          expect(again.status).toBe(404);
          expect(again.json).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
        } else {
          // HubSpot's API has no DELETE here: 405 JSON with Allow, and nothing removed.
          expect(deleted.status).toBe(405);
          expect(deleted.headers.get('allow')).toBe('GET, POST, PATCH');
          expect(deleted.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
          expect((await call(emulator, on)).status).toBe(200);
        }
      },
    );

    it('answers PATCH of a missing resource 404, and PATCH of an unknown field 400', async () => {
      const emulator = await start();
      const absent = await call(emulator, { resource, method: 'PATCH', body: patch });
      expect(absent.status).toBe(404);
      expect(absent.json).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
      emulator.store.create(7, resource, create as never);
      const unknown = await call(emulator, { resource, method: 'PATCH', body: { colour: 'red' } });
      expect(unknown.status).toBe(400);
      expect((unknown.json?.errors as { in?: string }[]).map((e) => e.in)).toEqual(['colour']);
    });

    it('keeps resources of one app apart', async () => {
      const emulator = await start();
      await call(emulator, { resource, method: 'POST', body: create });
      for (const other of RESOURCES.filter((r) => r.name !== resource)) {
        expect((await call(emulator, { resource: other.name })).status).toBe(404);
      }
    });
  });

  it('answers a calling-settings POST without all nine fields 400 VALIDATION_ERROR naming the missing ones', async () => {
    const emulator = await start();
    const response = await call(emulator, { resource: 'calling-settings', method: 'POST', body: { name: 'Acme', url: 'https://d.example/' } });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const missing = ['width', 'height', 'isReady', 'supportsCustomObjects', 'supportsInboundCalling', 'usesCallingWindow', 'usesRemote'];
    expect((response.json?.errors as { in?: string }[]).map((e) => e.in)).toEqual(missing);
    expect(response.json?.message).toContain(`Missing required fields: ${missing.join(', ')}.`);
    expect(emulator.store.size).toBe(0);
  });

  it('keeps ISO timestamps with milliseconds', async () => {
    const emulator = await start();
    const created = await call(emulator, { method: 'POST', body: settings });
    expect(created.json?.createdAt).toMatch(ISO);
  });

  describe('authentication', () => {
    it.each([
      ['key', null, /not found/],
      ['key', 'wrong', /invalid/],
      ['key', '', /not found/],
      ['bearer', null, /not found/],
      ['bearer', 'wrong', /invalid/],
    ] as const)('%s with credential %j → 401 without echoing it', async (auth, credential, message) => {
      const emulator = await start();
      const response = await call(emulator, { auth, credential });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
      expect(response.json?.message).toMatch(message);
      expect(response.json?.correlationId).toMatch(UUID);
      if (credential) expect(response.text).not.toContain(credential);
    });

    it('does not accept the API key as a bearer token, nor a token as hapikey', async () => {
      const emulator = await start();
      expect((await call(emulator, { apiVersion: '2026-03', auth: 'bearer', credential: KEY })).status).toBe(401);
      expect((await call(emulator, { auth: 'key', credential: TOKEN })).status).toBe(401);
      expect((await call(emulator, { auth: 'key', credential: READ_ONLY })).status).toBe(401);
    });

    it.each(VERSIONS)('accepts either auth on %s', async (apiVersion) => {
      const emulator = await start();
      expect((await call(emulator, { apiVersion, auth: 'key' })).status).toBe(404);
      expect((await call(emulator, { apiVersion, auth: 'bearer' })).status).toBe(404);
      expect((await call(emulator, { apiVersion, auth: 'bearer', credential: READ_ONLY })).status).toBe(404);
    });

    it.each(RESOURCES.map((r) => r.name))('lets the read-only token read %s but answers every write 403 MISSING_SCOPES naming developers-write', async (resource) => {
      const emulator = await start();
      emulator.store.create(7, resource, SAMPLES[resource].create as never);
      const before = emulator.store.snapshot();
      const readOnly = { resource, auth: 'bearer' as const, apiVersion: '2026-03' as const, credential: READ_ONLY };
      expect((await call(emulator, readOnly)).status).toBe(200);
      const writes: [string, unknown][] = [['POST', SAMPLES[resource].create], ['PATCH', SAMPLES[resource].patch]];
      if (resourceNamed(resource).deletable) writes.push(['DELETE', undefined]);
      for (const [method, body] of writes) {
        const response = await call(emulator, { ...readOnly, method, body });
        expect(response.status).toBe(403);
        expect(response.json).toMatchObject({ status: 'error', category: 'MISSING_SCOPES' });
        expect(response.json?.correlationId).toMatch(UUID);
        expect(response.text).toContain('developers-write');
        expect(response.text).not.toContain(READ_ONLY);
      }
      expect(emulator.store.snapshot()).toEqual(before);
    });

    it('accepts any non-empty credential when none is configured', async () => {
      const emulator = await startEmulator();
      running.push(emulator);
      expect((await call(emulator, { auth: 'key', credential: 'anything' })).status).toBe(404);
      expect((await call(emulator, { apiVersion: '2026-03', auth: 'bearer', credential: 'whatever' })).status).toBe(404);
      expect((await call(emulator, { apiVersion: 'v3', auth: 'bearer', credential: 'whatever' })).status).toBe(404);
      expect((await call(emulator, { auth: 'key', credential: null })).status).toBe(401);
    });
  });

  describe('validation', () => {
    it.each([
      ['POST', { isReady: true }, 'url'],
      ['POST', { url: 'https://a.example/' }, 'isReady'],
      ['POST', { url: 'https://a.example/', isReady: 'yes' }, 'isReady'],
      ['POST', { url: '', isReady: true }, 'url'],
      ['POST', { url: 'relative/path', isReady: true }, 'url'],
      ['POST', { url: 'https://a.example/', isReady: true, extra: 1 }, 'extra'],
      ['PATCH', { isReady: 'false' }, 'isReady'],
    ] as const)('%s %j → 400 naming %s', async (method, body, field) => {
      const emulator = await start();
      if (method === 'PATCH') emulator.store.create(7, 'channel-connection', settings);
      const response = await call(emulator, { method, body });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      expect((response.json?.errors as { in?: string }[]).map((e) => e.in)).toContain(field);
      if (method === 'PATCH') expect(emulator.store.get(7, 'channel-connection')?.fields).toMatchObject(settings);
    });

    it('answers 400 to a PATCH without fields', async () => {
      const emulator = await start();
      emulator.store.create(7, 'channel-connection', settings);
      const response = await call(emulator, { method: 'PATCH', body: {} });
      expect(response.status).toBe(400);
      expect(response.json?.message).toMatch(/At least one of url, isReady/);
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

    it.each([
      ['a wrong prefix', '/wrong-prefix/crm/v3/extensions/calling/7/settings/channel-connection'],
      ['an unknown resource', '/crm/v3/extensions/calling/7/settings/video'],
      ['an unknown version', '/crm/extensions/calling/2024-01/7/settings'],
      ['a trailing slash', '/crm/v3/extensions/calling/7/settings/'],
      ['no resource', '/crm/v3/extensions/calling/7'],
      ['elsewhere', '/crm/v3/somewhere-else'],
    ])('answers %s with an HTML 404 that is not HubSpot\'s missing-object shape', async (_name, path) => {
      const emulator = await start();
      const response = await fetch(`${emulator.url}${path}?hapikey=${KEY}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await response.text();
      expect(text).toContain('Not Found');
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    });

    it('answers 405 JSON with Allow to an unsupported method', async () => {
      const emulator = await start();
      const response = await call(emulator, { method: 'PUT', body: settings });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST, PATCH, DELETE');
      expect((await call(emulator, { resource: 'recording-settings', method: 'PUT' })).headers.get('allow')).toBe('GET, POST, PATCH');
      expect(response.json).toMatchObject({ status: 'error' });
    });

    it('answers malformed HTTP with a JSON 400 and keeps serving', async () => {
      const emulator = await start();
      const reply = await rawExchange(emulator.port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      expect(reply).toContain('"status":"error"');
      expect((await call(emulator)).status).toBe(404);
    });

    it('answers an HTTP/1.1 request without Host itself, in JSON, not with Node\'s bare 400', async () => {
      const emulator = await start();
      const reply = await rawExchange(emulator.port, 'GET /crm/v3/extensions/calling/1/settings HTTP/1.1\r\nConnection: close\r\n\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 401/);
      expect(reply).toContain('"category":"INVALID_AUTHENTICATION"');
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

    it('puts the rate-limit headers on every API answer, errors included', async () => {
      const emulator = await start({ rateLimit: { max: 100, intervalMs: 10_000 }, faults: ['GET:1:503'] });
      const answers = [
        await call(emulator),
        await call(emulator),
        await call(emulator, { credential: 'wrong' }),
        await call(emulator, { method: 'PUT' }),
        await call(emulator, { resource: 'recording-settings', method: 'DELETE' }),
        await call(emulator, { auth: 'bearer', credential: READ_ONLY, method: 'POST', body: settings }),
        await call(emulator, { method: 'POST', body: { url: 'x' } }),
        await call(emulator, { method: 'POST', body: settings }),
        await call(emulator, { appId: 'abc' }),
      ];
      expect(answers.map((a) => a.status)).toEqual([503, 404, 401, 405, 405, 403, 400, 200, 400]);
      for (const answer of answers) {
        expect(answer.headers.get('x-hubspot-ratelimit-max')).toBe('100');
        expect(answer.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
        expect(Number(answer.headers.get('x-hubspot-ratelimit-remaining'))).toBeGreaterThan(90);
      }
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

    it('hits every resource and version alike, in arrival order', async () => {
      const emulator = await start({ faults: ['*:3:503', 'GET:1:delay=50'] });
      const statuses = [];
      for (const resource of RESOURCES) statuses.push((await call(emulator, { resource: resource.name, apiVersion: '2026-09', auth: 'bearer' })).status);
      expect(statuses).toEqual([503, 503, 503]);
      const started = performance.now();
      expect((await call(emulator, { resource: 'recording-settings' })).status).toBe(404);
      expect(performance.now() - started).toBeGreaterThanOrEqual(45);
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
      await expect(rawRequest(apiUrl(emulator.url))).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/) });
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
      emulator.store.create(7, 'channel-connection', settings);
      const response = await rawRequest(apiUrl(emulator.url));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.text.length).toBe((emulator.store.getJson(7, 'channel-connection') ?? '').length >> 1);
      expect(() => JSON.parse(response.text) as unknown).toThrow(SyntaxError);
    });

    it('performs the write, then answers 500 for 500-after-write', async () => {
      const emulator = await start({ faults: ['POST:1:500-after-write'] });
      const response = await call(emulator, { method: 'POST', body: settings });
      expect(response.status).toBe(500);
      expect(emulator.store.get(7, 'channel-connection')?.fields).toMatchObject(settings);
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
      const stamps = { createdAt: '2024-04-30 12:01', updatedAt: '2024-04-30 12:01' };
      const state = {
        apps: {
          '42': {
            'calling-settings': { ...callingFields, ...stamps },
            'recording-settings': { urlToRetrieveAuthedRecording: 'https://r.example/%s', ...stamps },
            'channel-connection': { ...settings, ...stamps },
          },
        },
      };
      expect(await control(emulator, 'PUT', 'state', state)).toEqual({ status: 200, json: state });
      expect((await control(emulator, 'GET', 'state')).json).toEqual(state);
      expect((await call(emulator, { appId: 42 })).json).toEqual(state.apps['42']['channel-connection']);
      expect((await call(emulator, { appId: 42, resource: 'calling-settings' })).json).toEqual(state.apps['42']['calling-settings']);

      const bad = await control(emulator, 'PUT', 'state', { apps: { '42': { 'channel-connection': { url: 'https://a.example/' } } } });
      expect(bad.status).toBe(400);
      expect(bad.json?.message).toMatch(/isReady is missing/);
      expect((await control(emulator, 'PUT', 'state', '{nope')).status).toBe(400);
      expect((await control(emulator, 'GET', 'state')).json).toEqual(state);
    });

    it('loads the older channel-connection-only state shape as the channel connection', async () => {
      const emulator = await start();
      const legacy = { apps: { '9': { ...settings, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-02T00:00:00Z' } } };
      const loaded = await control(emulator, 'PUT', 'state', legacy);
      expect(loaded).toEqual({ status: 200, json: { apps: { '9': { 'channel-connection': legacy.apps['9'] } } } });
      expect((await call(emulator, { appId: 9 })).json).toEqual(legacy.apps['9']);
    });

    it('lists every API request in order with what it did, never a credential', async () => {
      const emulator = await start({ faults: ['PATCH:1:500-after-write'] });
      await call(emulator, { resource: 'calling-settings', method: 'POST', body: callingFields });
      await call(emulator, { resource: 'calling-settings', method: 'POST', body: callingFields });
      await call(emulator, { resource: 'calling-settings', apiVersion: '2026-09', auth: 'bearer', method: 'PATCH', body: { width: 1 } });
      await call(emulator, { resource: 'channel-connection', auth: 'bearer', credential: READ_ONLY, method: 'DELETE' });
      await call(emulator, { credential: 'wrong' });
      await fetch(`${emulator.url}/wrong-prefix/crm/v3/extensions/calling/7/settings?hapikey=${KEY}`);
      await control(emulator, 'GET', 'state');
      const log = (await control(emulator, 'GET', 'request-log')).json as { requests: Record<string, unknown>[]; dropped: number };
      expect(log.dropped).toBe(0);
      const row = (method: string, path: string, apiVersion: string | null, resource: string | null, auth: string | null, status: number, wrote: boolean) =>
        ({ method, path, apiVersion, appId: resource === null ? null : 7, resource, auth, status, wrote });
      expect(log.requests.map(({ seq, ...rest }) => (void seq, rest))).toEqual([
        row('POST', apiPath('v3', 7, 'calling-settings'), 'v3', 'calling-settings', 'developer-api-key', 200, true),
        row('POST', apiPath('v3', 7, 'calling-settings'), 'v3', 'calling-settings', 'developer-api-key', 409, false),
        // The write took effect though the answer was an injected 500.
        row('PATCH', apiPath('2026-09', 7, 'calling-settings'), '2026-09', 'calling-settings', 'access-token', 500, true),
        row('DELETE', apiPath('v3', 7, 'channel-connection'), 'v3', 'channel-connection', 'access-token', 403, false),
        row('GET', apiPath('v3', 7, 'channel-connection'), 'v3', 'channel-connection', null, 401, false),
        row('GET', '/wrong-prefix/crm/v3/extensions/calling/7/settings', null, null, null, 404, false),
      ]);
      expect(log.requests.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(JSON.stringify(log)).not.toMatch(new RegExp(`${KEY}|${TOKEN}|${READ_ONLY}|hapikey`));
      await control(emulator, 'POST', 'reset');
      expect((await control(emulator, 'GET', 'request-log')).json).toEqual({ requests: [], dropped: 0 });
    });

    it('adds faults, lists them and validates them', async () => {
      const emulator = await start();
      const added = await control(emulator, 'POST', 'faults', { method: 'PATCH', count: 2, kind: 502 });
      expect(added).toEqual({ status: 201, json: { faults: [{ method: 'PATCH', count: 2, kind: '502' }] } });
      emulator.store.create(7, 'channel-connection', settings);
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
      emulator.store.create(7, 'channel-connection', settings);
      await call(emulator);
      expect((await control(emulator, 'POST', 'reset')).status).toBe(204);
      expect((await control(emulator, 'GET', 'state')).json).toEqual({ apps: {} });
      expect((await control(emulator, 'GET', 'faults')).json).toEqual({ faults: [] });
      expect((await control(emulator, 'GET', 'requests')).json).toMatchObject({ total: 0, byMethod: { GET: 0 } });
      expect((await call(emulator)).status).toBe(404);
    });

    it('answers unknown control routes 404 and wrong methods 405, and needs no credential', async () => {
      const emulator = await start();
      const unknown = await fetch(`${emulator.url}/__emulator/nope`);
      expect(unknown.status).toBe(404);
      // Not HubSpot's missing-object shape: a base URL of …/__emulator must never read as "absent".
      const text = await unknown.text();
      expect(isHubSpotErrorShape(text)).toBe(false);
      expect(JSON.parse(text)).toMatchObject({ routes: expect.arrayContaining(['/__emulator/state', '/__emulator/faults']) });
      const client = createHubSpotClient({ baseUrl: `${emulator.url}/__emulator`, env: { HUBSPOT_DEVELOPER_API_KEY: KEY }, timeoutMs: 5_000, sleep: async () => {}, random: () => 0, now: () => Date.now() });
      await expect(client.get({ appId: 7, apiVersion: 'v3', auth: 'developer-api-key', resource: 'channel-connection' })).rejects.toThrow(/check the base URL/);
      const wrong = await fetch(`${emulator.url}/__emulator/state`, { method: 'DELETE' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, PUT');
    });
  });

  it('logs one line per request without the query string or credentials', async () => {
    const lines: string[] = [];
    const emulator = await start({ log: (line) => lines.push(line) });
    await call(emulator);
    await call(emulator, { apiVersion: '2026-03', auth: 'bearer', method: 'POST', body: settings });
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
