import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_VERSIONS } from '../../../src/config/model.js';
import { createHubSpotClient } from '../../../src/hubspot/client.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { ResourceTarget } from '../../../src/hubspot/types.js';
import { MAX_BODY_BYTES } from '../../../src/hubspot/transport.js';
import { RESOURCES } from '../../../src/resources/index.js';
import { calling as callingFields, recording as recordingFields } from '../../helpers/builders.js';
import { API_KEY, BASE, harness, NEXT, NEXT_PATH, NOT_FOUND, rejection, socketError, TOKEN, V3, V3_PATH } from './harness.js';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const settings = { url: 'https://example.com/my-help-desk-service', isReady: true };
const calling = callingFields();
const recording = recordingFields();
const CALLING: ResourceTarget = { ...V3, resource: 'calling-settings' };
const CALLING_PATH = '/crm/v3/extensions/calling/1234567/settings';
const RECORDING: ResourceTarget = { ...NEXT, resource: 'recording-settings' };
const RECORDING_PATH = '/crm/extensions/calling/2026-03/7654321/settings/recording';

const EXPECTED_PREFIX = {
  v3: '/crm/v3/extensions/calling',
  '2025-09': '/crm/extensions/calling/2025-09',
  '2026-03': '/crm/extensions/calling/2026-03',
  '2026-09': '/crm/extensions/calling/2026-09',
} as const;
const EXPECTED_SEGMENT = { 'calling-settings': 'settings', 'recording-settings': 'settings/recording', 'channel-connection': 'settings/channel-connection' } as const;
const BODIES = { 'calling-settings': calling, 'recording-settings': recording, 'channel-connection': settings } as const;

describe('paths and auth placement', () => {
  it('covers every API version the config accepts', () => {
    expect([...API_VERSIONS].sort()).toEqual(Object.keys(EXPECTED_PREFIX).sort());
  });

  for (const apiVersion of API_VERSIONS) {
    for (const { name: resource } of RESOURCES) {
      const path = `${EXPECTED_PREFIX[apiVersion]}/42/${EXPECTED_SEGMENT[resource]}`;
      it(`${apiVersion} ${resource} → ${path}`, async () => {
        const scope = nock(BASE).get(path).query(true).reply(200, BODIES[resource]);
        const target: ResourceTarget = { appId: 42, apiVersion, auth: 'developer-api-key', resource };
        await expect(harness().client.get(target)).resolves.toEqual({ fields: BODIES[resource] });
        expect(scope.isDone()).toBe(true);
      });
    }

    it(`${apiVersion} with developer-api-key: hapikey query from HUBSPOT_DEVELOPER_API_KEY, no Authorization`, async () => {
      let authorization: string | undefined = 'unset';
      const scope = nock(BASE)
        .get(`${EXPECTED_PREFIX[apiVersion]}/42/settings/channel-connection`)
        .query({ hapikey: API_KEY })
        .reply(function () {
          authorization = this.req.headers.authorization;
          return [200, settings];
        });
      await harness().client.get({ appId: 42, apiVersion, auth: 'developer-api-key', resource: 'channel-connection' });
      expect(authorization).toBeUndefined();
      expect(scope.isDone()).toBe(true);
    });

    it(`${apiVersion} with access-token: Bearer from HUBSPOT_ACCESS_TOKEN, no hapikey`, async () => {
      let query: string | undefined = 'unset';
      const path = `${EXPECTED_PREFIX[apiVersion]}/42/settings/channel-connection`;
      const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
        .get((p) => {
          query = p.split('?')[1];
          return p.startsWith(path);
        })
        .reply(200, settings);
      await harness().client.get({ appId: 42, apiVersion, auth: 'access-token', resource: 'channel-connection' });
      expect(query).toBeUndefined();
      expect(scope.isDone()).toBe(true);
    });
  }

  it('keeps a path prefix of the base URL', async () => {
    const scope = nock('http://127.0.0.1:4010').get(`/proxy${V3_PATH}`).query(true).reply(404, NOT_FOUND);
    await expect(harness({ baseUrl: 'http://127.0.0.1:4010/proxy' }).client.get(V3)).resolves.toBeNull();
    expect(scope.isDone()).toBe(true);
  });
});

describe('GET', () => {
  it("HubSpot's JSON 404 means the resource does not exist", async () => {
    nock(BASE).get(V3_PATH).query(true).reply(404, NOT_FOUND);
    await expect(harness().client.get(V3)).resolves.toBeNull();
  });

  const otherNotFounds: Array<[string, string | object, Record<string, string>, string]> = [
    ['an HTML page', '<html><body><h1>404 Not Found</h1></body></html>', { 'content-type': 'text/html' }, 'an HTML page'],
    ['an empty body', '', {}, 'an empty body'],
    ['plain text', 'Not Found', { 'content-type': 'text/plain' }, 'a non-JSON body'],
    ['JSON of another shape', { error: 'Not Found', path: '/x' }, { 'content-type': 'application/json' }, "JSON that is not HubSpot's error shape"],
    ['JSON missing correlationId', { status: 'error', message: 'not found' }, { 'content-type': 'application/json' }, "JSON that is not HubSpot's error shape"],
  ];
  for (const [name, body, headers, what] of otherNotFounds) {
    it(`a 404 with ${name} is an error naming the path and the base URL, not "absent"`, async () => {
      nock(BASE).get(V3_PATH).query(true).reply(404, body, headers);
      const error = await rejection(harness().client.get(V3));
      expect(error).toBeInstanceOf(HubSpotError);
      expect(error.message).toBe(
        `app 1234567: GET channel-connection settings failed: ${BASE}${V3_PATH} answered 404 with ${what}, not HubSpot's "not found" error: check the base URL (--base-url, HUBSPOT_API_BASE_URL) and any proxy prefix`,
      );
      expect(error).toMatchObject({ status: 404, rerunnable: false });
      expect(error.message).not.toContain('hapikey');
    });
  }

  it('keeps timestamps in both formats (numbers as text) and drops other fields', async () => {
    nock(BASE)
      .get(V3_PATH).query(true).reply(200, { ...settings, createdAt: '2024-04-30 12:01', updatedAt: '2023-11-07T05:31:56Z', portalCount: 3 })
      .get(V3_PATH).query(true).reply(200, { ...settings, createdAt: 1714478460000, updatedAt: null });
    const h = harness();
    await expect(h.client.get(V3)).resolves.toStrictEqual({ fields: settings, createdAt: '2024-04-30 12:01', updatedAt: '2023-11-07T05:31:56Z' });
    await expect(h.client.get(V3)).resolves.toStrictEqual({ fields: settings, createdAt: '1714478460000' });
  });

  it('keeps only the managed fields of calling settings, checked by type', async () => {
    nock(BASE).get(CALLING_PATH).query(true).reply(200, { ...calling, portalId: 7, extra: { nested: true } });
    await expect(harness().client.get(CALLING)).resolves.toStrictEqual({ fields: calling });
  });

  for (const [name, body, problem] of [
    ['a string isReady', { ...settings, isReady: 'yes' }, '"isReady" is not a boolean (got a string)'],
    ['a missing url', { isReady: true }, '"url" is missing'],
    ['an array', [settings], 'expected a JSON object'],
  ] as const) {
    it(`rejects ${name}, naming the field`, async () => {
      nock(BASE).get(V3_PATH).query(true).reply(200, body);
      const error = await rejection(harness().client.get(V3));
      expect(error).toBeInstanceOf(HubSpotError);
      expect(error.message).toBe(`app 1234567: GET channel-connection settings returned an unexpected body: ${problem}`);
      expect(error).toMatchObject({ rerunnable: false });
    });
  }

  it('rejects a calling width that is not an integer', async () => {
    nock(BASE).get(CALLING_PATH).query(true).reply(200, { ...calling, width: 400.5 });
    const error = await rejection(harness().client.get(CALLING));
    expect(error.message).toBe('app 1234567: GET calling settings returned an unexpected body: "width" is not an integer (got a number)');
  });

  it('retries a truncated JSON 200 like a 5xx', async () => {
    const scope = nock(BASE).get(V3_PATH).query(true).reply(200, '{"url":"https://exa').get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await expect(h.client.get(V3)).resolves.toEqual({ fields: settings });
    expect(scope.isDone()).toBe(true);
    expect(h.sleeps).toHaveLength(1);
  });
});

describe('answer size', () => {
  it('reads an answer of exactly 1 MiB', async () => {
    const json = JSON.stringify(settings);
    nock(BASE).get(V3_PATH).query(true).reply(200, json + ' '.repeat(MAX_BODY_BYTES - json.length));
    await expect(harness().client.get(V3)).resolves.toEqual({ fields: settings });
  });

  it('a write whose 2xx answer is too large says HubSpot accepted it', async () => {
    nock(BASE).patch(NEXT_PATH).reply(200, 'x'.repeat(MAX_BODY_BYTES + 1));
    const error = await rejection(harness().client.update(NEXT, { isReady: true }));
    expect(error.message).toMatch(/larger than 1 MiB.*; hscc stopped reading it; HubSpot accepted the write$/);
  });

  it('refuses one byte more, without retrying', async () => {
    const json = JSON.stringify(settings);
    const scope = nock(BASE).get(V3_PATH).query(true).times(2).reply(200, json + ' '.repeat(MAX_BODY_BYTES + 1 - json.length));
    const error = await rejection(harness().client.get(V3));
    expect(error.message).toMatch(/^app 1234567: GET channel-connection settings failed: the 200 answer is larger than 1 MiB( \(Content-Length 1048577\))?; hscc stopped reading it$/);
    expect(scope.pendingMocks()).toHaveLength(1);
  });
});

describe('writes', () => {
  it('POST sends every managed field of calling settings, and nothing else', async () => {
    let body: unknown;
    nock(BASE)
      .post(CALLING_PATH, (b: unknown) => {
        body = b;
        return true;
      })
      .query(true)
      .reply(201, { ...calling, createdAt: '2026-03-01T12:00:00Z', updatedAt: '2026-03-01T12:00:00Z' });
    const result = await harness().client.create(CALLING, { ...calling, unmanaged: 'x' });
    expect(body).toStrictEqual(calling);
    expect(result).toEqual({ remote: { fields: calling, createdAt: '2026-03-01T12:00:00Z', updatedAt: '2026-03-01T12:00:00Z' }, wrote: true });
  });

  it('POST without every managed field is a bug, and sends nothing', async () => {
    await expect(harness().client.create(CALLING, { name: 'x', url: 'https://x.example.com' })).rejects.toThrow(/^bug: POST of calling-settings without width, height/);
  });

  it('PATCH sends exactly the given managed fields', async () => {
    let body: unknown;
    nock(BASE)
      .patch(RECORDING_PATH, (b: unknown) => {
        body = b;
        return true;
      })
      .reply(200, { urlToRetrieveAuthedRecording: 'https://new.example.com/%s' });
    const result = await harness().client.update(RECORDING, { urlToRetrieveAuthedRecording: 'https://new.example.com/%s', createdAt: 'x' });
    expect(body).toStrictEqual({ urlToRetrieveAuthedRecording: 'https://new.example.com/%s' });
    expect(result).toEqual({ remote: { fields: { urlToRetrieveAuthedRecording: 'https://new.example.com/%s' } }, wrote: true });
  });

  it('a write answered 204 without a body reads the resource back', async () => {
    nock(BASE).patch(NEXT_PATH).reply(204).get(NEXT_PATH).reply(200, { ...settings, isReady: false });
    await expect(harness().client.update(NEXT, { isReady: false })).resolves.toEqual({ remote: { fields: { ...settings, isReady: false } }, wrote: true });
  });

  it('DELETE 204 is a write', async () => {
    const scope = nock(BASE).delete(V3_PATH).query(true).reply(204);
    await expect(harness().client.delete(V3)).resolves.toEqual({ remote: null, wrote: true });
    expect(scope.isDone()).toBe(true);
  });

  it("DELETE answered HubSpot's 404 is done without a write", async () => {
    const scope = nock(BASE).delete(NEXT_PATH).reply(404, NOT_FOUND);
    await expect(harness().client.delete(NEXT)).resolves.toEqual({ remote: null, wrote: false });
    expect(scope.isDone()).toBe(true);
  });

  it('DELETE answered an HTML 404 is an error, not "nothing to delete"', async () => {
    nock(BASE).delete(NEXT_PATH).reply(404, '<html>nope</html>', { 'content-type': 'text/html' });
    const error = await rejection(harness().client.delete(NEXT));
    expect(error.message).toContain('answered 404 with an HTML page');
  });

  it('DELETE of recording settings is a bug (HubSpot has no such DELETE) and sends nothing', async () => {
    await expect(harness().client.delete(RECORDING)).rejects.toThrow("bug: DELETE of recording-settings, which HubSpot's API cannot delete");
  });

  it("PATCH answered HubSpot's 404 is an error with its message, category and correlationId", async () => {
    nock(BASE).patch(V3_PATH).query(true).reply(404, { status: 'error', message: 'Settings not found', category: 'OBJECT_NOT_FOUND', correlationId: 'c0ffee' });
    const error = await rejection(harness().client.update(V3, { url: 'https://example.com/x' }));
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error.message).toBe('app 1234567: PATCH channel-connection settings failed: 404 OBJECT_NOT_FOUND: Settings not found');
    expect(error).toMatchObject({ status: 404, category: 'OBJECT_NOT_FOUND', correlationId: 'c0ffee', method: 'PATCH', appId: 1234567, resource: 'channel-connection', rerunnable: false });
  });

  it('a calling-settings POST refused with VALIDATION_ERROR shows message, category, subCategory and correlationId', async () => {
    nock(BASE)
      .post(CALLING_PATH).query(true)
      .reply(400, { status: 'error', message: 'Missing fields', category: 'VALIDATION_ERROR', subCategory: 'MISSING_FIELDS', correlationId: 'v-1', errors: [{ message: 'width is required' }] })
      .get(CALLING_PATH).query(true).reply(404, NOT_FOUND);
    const error = await rejection(harness().client.create(CALLING, calling));
    expect(error.message).toBe('app 1234567: POST calling settings failed: 400 VALIDATION_ERROR (MISSING_FIELDS): Missing fields (width is required)');
    expect(error).toMatchObject({ correlationId: 'v-1', rerunnable: false });
  });
});

describe('hints', () => {
  it('a 401 names the variable of the credential that was sent, whatever the version', async () => {
    const body = { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION', correlationId: 'a1' };
    nock(BASE).get(V3_PATH).reply(401, body).get(V3_PATH).query(true).reply(401, body);
    const h = harness();
    const token = await rejection(h.client.get({ ...V3, auth: 'access-token' }));
    expect((token as HubSpotError).hint).toBe('HubSpot did not accept the access token in HUBSPOT_ACCESS_TOKEN (auth access-token).');
    const key = await rejection(h.client.get({ ...V3, auth: 'developer-api-key' }));
    expect((key as HubSpotError).hint).toBe('HubSpot did not accept the developer API key in HUBSPOT_DEVELOPER_API_KEY (auth developer-api-key).');
  });

  it('a 403 on a write names developers-write; on a read developers-read', async () => {
    const body = { status: 'error', message: 'This app hasn\'t been granted all required scopes', category: 'MISSING_SCOPES', correlationId: 's1' };
    nock(BASE).patch(NEXT_PATH).reply(403, body).get(NEXT_PATH).reply(403, body);
    const h = harness();
    const write = (await rejection(h.client.update(NEXT, { isReady: false }))) as HubSpotError;
    expect(write.hint).toBe('The access token in HUBSPOT_ACCESS_TOKEN needs scope developers-write (reads need developers-read) and must be allowed to manage app 7654321.');
    expect(write).toMatchObject({ status: 403, category: 'MISSING_SCOPES', rerunnable: false, attempts: 1 });
    const read = (await rejection(h.client.get(NEXT))) as HubSpotError;
    expect(read.hint).toBe('The access token in HUBSPOT_ACCESS_TOKEN needs scope developers-read and must be allowed to manage app 7654321.');
  });
});

describe('waits', () => {
  it('tells its listeners every wait, in a few words: pacing for the rate limit, a 429, and a retry after a 503', async () => {
    const window = { 'x-hubspot-ratelimit-interval-milliseconds': '10000' };
    const limited = { ...window, 'x-hubspot-ratelimit-max': '1', 'x-hubspot-ratelimit-remaining': '0' };
    // From the 429 on, a roomy limit: only the 429 and the 503 make the client wait.
    const roomy = { ...window, 'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-remaining': '90' };
    nock(BASE)
      .get(V3_PATH).query(true).reply(200, settings, limited)
      .get(V3_PATH).query(true).reply(429, { status: 'error', message: 'limit', policyName: 'TEN_SECONDLY_ROLLING' }, { ...roomy, 'retry-after': '2' })
      .get(V3_PATH).query(true).reply(503, {}, roomy)
      .get(V3_PATH).query(true).reply(200, settings, roomy);
    const h = harness({ random: () => 0 });
    const waits: Array<{ ms: number; reason: string }> = [];
    const unsubscribe = h.client.onWait?.((wait) => waits.push(wait));
    await h.client.get(V3);
    await h.client.get(V3);
    unsubscribe?.();
    expect(waits.map((wait) => wait.reason)).toEqual(["HubSpot's rate limit", "HubSpot's rate limit", 'a retry']);
    expect(waits.map((wait) => wait.ms)).toEqual(h.sleeps);
    expect(waits[0]?.ms).toBeGreaterThan(9000);
    // Unsubscribed: later waits reach nobody.
    nock(BASE).get(V3_PATH).query(true).reply(503, {}, roomy).get(V3_PATH).query(true).reply(200, settings, roomy);
    await h.client.get(V3);
    expect(h.sleeps).toHaveLength(4);
    expect(waits).toHaveLength(3);
  });
});

describe('a refused credential', () => {
  it('after a 401, nothing more is sent with that credential; the other auth mode still is', async () => {
    const body = { status: 'error', message: 'The developer API key provided is invalid.', category: 'INVALID_AUTHENTICATION', correlationId: 'r1' };
    const scope = nock(BASE).get(V3_PATH).query(true).reply(401, body).get(NEXT_PATH).reply(200, settings);
    const h = harness();
    const first = (await rejection(h.client.get(V3))) as HubSpotError;
    expect(first).toMatchObject({ status: 401, notAttempted: undefined, attempts: 1 });
    const later = await Promise.all([h.client.get({ ...V3, appId: 2 }), h.client.create({ ...CALLING, appId: 3 }, calling)].map((call) => rejection(call)));
    for (const error of later as HubSpotError[]) {
      expect(error).toMatchObject({ attempts: 0, rerunnable: false, notAttempted: 'HubSpot refused the developer API key in HUBSPOT_DEVELOPER_API_KEY (401 for app 1234567)' });
      expect(error.message).toMatch(/^app [23]: (GET|POST) .* not attempted: HubSpot refused the developer API key/);
      expect(error.hint).toBe('HubSpot did not accept the developer API key in HUBSPOT_DEVELOPER_API_KEY (auth developer-api-key).');
    }
    await expect(h.client.get(NEXT)).resolves.toEqual({ fields: settings });
    expect(scope.isDone()).toBe(true);
  });

  it('a call waiting to retry when another call gets a 401 is not retried, and says so', async () => {
    const body = { status: 'error', message: 'The developer API key provided is invalid.', category: 'INVALID_AUTHENTICATION', correlationId: 'r2' };
    const scope = nock(BASE).get(V3_PATH).query(true).reply(503, {}).get(`${V3_PATH.replace('1234567', '2')}`).query(true).reply(401, body);
    // The first call's backoff waits until the second call has its 401.
    let backoff!: () => void;
    const released = new Promise<void>((resolve) => (backoff = resolve));
    const client = createHubSpotClient({
      baseUrl: BASE,
      env: { HUBSPOT_DEVELOPER_API_KEY: API_KEY },
      timeoutMs: 30_000,
      sleep: () => released,
      random: () => 0,
      now: () => Date.now(),
    });
    const retrying = rejection(client.get(V3));
    await expect(client.get({ ...V3, appId: 2 })).rejects.toMatchObject({ status: 401 });
    backoff();
    const error = (await retrying) as HubSpotError;
    expect(error.message).toBe(
      'app 1234567: GET channel-connection settings failed after 1 attempt: 503 Service Unavailable; not retried: HubSpot refused the developer API key in HUBSPOT_DEVELOPER_API_KEY (401 for app 2)',
    );
    expect(error).toMatchObject({ attempts: 1, rerunnable: false, notAttempted: undefined });
    expect(scope.isDone()).toBe(true);
  });

  it('after a DAILY 429, nothing more is sent with that credential until a rerun; the other auth mode still is', async () => {
    const daily = { status: 'error', message: 'You have reached your daily limit.', category: 'RATE_LIMITS', policyName: 'DAILY', correlationId: 'd1' };
    const scope = nock(BASE).get(V3_PATH).query(true).reply(429, daily).get(NEXT_PATH).reply(200, settings);
    const h = harness();
    await expect(h.client.get(V3)).rejects.toMatchObject({ status: 429, notAttempted: undefined, attempts: 1 });
    const later = await Promise.all([h.client.get({ ...V3, appId: 2 }), h.client.update({ ...CALLING, appId: 3 }, { isReady: false })].map((call) => rejection(call)));
    for (const error of later as HubSpotError[]) {
      expect(error).toMatchObject({
        attempts: 0,
        rerunnable: true,
        notAttempted: "HubSpot's daily API limit is reached for the developer API key in HUBSPOT_DEVELOPER_API_KEY (429 DAILY for app 1234567)",
        hint: "The daily limit resets at midnight in the HubSpot account's time zone; run hscc again after that.",
      });
    }
    await expect(h.client.get(NEXT)).resolves.toEqual({ fields: settings });
    expect(scope.isDone()).toBe(true);
    expect(h.sleeps).toEqual([]);
  });

  it('a 429 that is not DAILY stops nothing else', async () => {
    const burst = { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', category: 'RATE_LIMITS', policyName: 'TEN_SECONDLY_ROLLING' };
    const scope = nock(BASE).get(V3_PATH).query(true).reply(429, burst, { 'Retry-After': '1' }).get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await expect(h.client.get(V3)).resolves.toEqual({ fields: settings });
    expect(scope.isDone()).toBe(true);
  });

  it('after a 403 MISSING_SCOPES on a write, no more writes go out with that token; reads still do, and other 403s trip nothing', async () => {
    const scopes = { status: 'error', message: 'Missing scope: developers-write.', category: 'MISSING_SCOPES', correlationId: 's2' };
    const other = { status: 'error', message: 'This app may not be managed by this token.', category: 'FORBIDDEN', correlationId: 's3' };
    const scope = nock(BASE)
      .patch(NEXT_PATH).reply(403, other)
      .patch(NEXT_PATH).reply(403, scopes)
      .get(NEXT_PATH).reply(200, settings);
    const h = harness();
    // A 403 that is not about scopes is the app's own: the next write is still sent.
    await expect(h.client.update(NEXT, { isReady: false })).rejects.toMatchObject({ status: 403, notAttempted: undefined });
    await expect(h.client.update(NEXT, { isReady: false })).rejects.toMatchObject({ status: 403, category: 'MISSING_SCOPES' });
    const later = (await rejection(h.client.delete({ ...NEXT, appId: 99 }))) as HubSpotError;
    expect(later).toMatchObject({ attempts: 0, notAttempted: 'HubSpot refused writes with the access token in HUBSPOT_ACCESS_TOKEN (403 MISSING_SCOPES for app 7654321)' });
    expect(later.hint).toBe('The access token in HUBSPOT_ACCESS_TOKEN needs scope developers-write (reads need developers-read) and must be allowed to manage app 99.');
    await expect(h.client.get(NEXT)).resolves.toEqual({ fields: settings });
    expect(scope.isDone()).toBe(true);
  });
});

describe('rerunnable', () => {
  const cases: Array<[string, () => void, boolean]> = [
    ['400', () => void nock(BASE).get(V3_PATH).query(true).reply(400, { status: 'error', message: 'bad', correlationId: 'x' }), false],
    ['401', () => void nock(BASE).get(V3_PATH).query(true).reply(401, {}), false],
    ['403', () => void nock(BASE).get(V3_PATH).query(true).reply(403, {}), false],
    ['409 on a GET', () => void nock(BASE).get(V3_PATH).query(true).reply(409, {}), false],
    ['500 until exhausted', () => void nock(BASE).get(V3_PATH).query(true).times(6).reply(500, {}), true],
    ['429 until exhausted', () => void nock(BASE).get(V3_PATH).query(true).times(6).reply(429, {}), true],
    ['a DAILY 429', () => void nock(BASE).get(V3_PATH).query(true).reply(429, { policyName: 'DAILY' }), true],
    ['resets until exhausted', () => void nock(BASE).get(V3_PATH).query(true).times(6).replyWithError(socketError('ECONNRESET')), true],
    ['an unknown host', () => void nock(BASE).get(V3_PATH).query(true).replyWithError(socketError('ENOTFOUND')), false],
  ];
  for (const [name, mock, rerunnable] of cases) {
    it(`${name}: ${rerunnable}`, async () => {
      mock();
      const error = await rejection(harness().client.get(V3));
      expect(error).toBeInstanceOf(HubSpotError);
      expect((error as HubSpotError).rerunnable).toBe(rerunnable);
      expect((error as HubSpotError).notAttempted).toBeUndefined();
    });
  }

  it('a 500 with category VALIDATION_ERROR is not rerunnable', async () => {
    nock(BASE).get(V3_PATH).query(true).times(6).reply(500, { status: 'error', message: 'x', category: 'VALIDATION_ERROR', correlationId: 'y' });
    await expect(harness().client.get(V3)).rejects.toMatchObject({ rerunnable: false });
  });
});

describe('giving up on a host', () => {
  it('after 10 connection failures in a row, later calls fail at once, not attempted', async () => {
    // 6 refusals for the first call, 4 for the second: 10 in a row.
    const scope = nock(BASE).get(V3_PATH).query(true).times(10).replyWithError(socketError('ECONNREFUSED'));
    const h = harness({ random: () => 0 });
    const first = (await rejection(h.client.get(V3))) as HubSpotError;
    expect(first.message).toBe('app 1234567: GET channel-connection settings failed after 6 attempts: could not reach api.hubapi.com (ECONNREFUSED)');
    const second = (await rejection(h.client.get(V3))) as HubSpotError;
    expect(second.message).toBe(
      'app 1234567: GET channel-connection settings failed after 4 attempts: could not reach api.hubapi.com (ECONNREFUSED); gave up: api.hubapi.com could not be reached (ECONNREFUSED): no answer for 0 s (10 requests in a row failed)',
    );
    expect(scope.isDone()).toBe(true);
    const third = (await rejection(h.client.create(NEXT, settings))) as HubSpotError;
    expect(third.message).toBe('app 7654321: POST channel-connection settings not attempted: api.hubapi.com could not be reached (ECONNREFUSED): no answer for 0 s (10 requests in a row failed)');
    expect(third).toMatchObject({ notAttempted: expect.any(String), rerunnable: true, attempts: 0, method: 'POST' });
    expect(third.hint).toContain('api.hubapi.com');
    expect(h.logs.at(-1)).toBe(`POST ${NEXT_PATH}: not attempted, api.hubapi.com was given up on`);
  });

  it('an answer in between resets the count', async () => {
    nock(BASE)
      .get(V3_PATH).query(true).times(5).replyWithError(socketError('ECONNRESET'))
      .get(V3_PATH).query(true).reply(200, settings)
      .get(V3_PATH).query(true).times(6).replyWithError(socketError('ECONNRESET'));
    const h = harness({ random: () => 0 });
    await expect(h.client.get(V3)).resolves.toEqual({ fields: settings });
    const error = (await rejection(h.client.get(V3))) as HubSpotError;
    expect(error.message).toBe('app 1234567: GET channel-connection settings failed after 6 attempts: connection to api.hubapi.com was interrupted (ECONNRESET)');
    expect(error.notAttempted).toBeUndefined();
  });
});

describe('credentials and logging', () => {
  it('fails before any request when the credential is missing, naming the variable', async () => {
    const h = harness({ env: { HUBSPOT_DEVELOPER_API_KEY: API_KEY } });
    const error = await rejection(h.client.get(NEXT));
    expect(error.message).toContain('HUBSPOT_ACCESS_TOKEN is not set');
    expect(error.message).toContain('app 7654321');
    expect(h.logs).toEqual([]);
  });

  it('logs one line per attempt: method, path without query, status, ms and the retry wait', async () => {
    nock(BASE).get(V3_PATH).query(true).reply(503, { status: 'error', message: 'try later', category: 'SERVICE_UNAVAILABLE' }).get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await h.client.get(V3);
    expect(h.logs).toEqual([
      `GET ${V3_PATH} → 503 (0 ms, attempt 1/6); retrying in 500 ms (backoff): 503 SERVICE_UNAVAILABLE: try later`,
      `GET ${V3_PATH} → 200 (0 ms, attempt 2/6)`,
    ]);
  });
});
