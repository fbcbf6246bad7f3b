import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotClient } from '../../../src/hubspot/client.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import { API_KEY, BASE, harness, NEXT, NEXT_PATH, rejection, TOKEN, V3, V3_PATH } from './harness.js';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const settings = { url: 'https://example.com/my-help-desk-service', isReady: true };

describe('paths and auth placement', () => {
  it('v3 puts the developer API key in the hapikey query and sends no Authorization header', async () => {
    let authorization: string | undefined = 'unset';
    const scope = nock(BASE)
      .get(V3_PATH)
      .query({ hapikey: API_KEY })
      .reply(function () {
        authorization = this.req.headers.authorization;
        return [200, settings];
      });
    const { client } = harness();
    await expect(client.get(V3)).resolves.toEqual(settings);
    expect(authorization).toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('2026-03 sends a Bearer token and no hapikey query', async () => {
    let query: string | undefined;
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get((path) => {
        query = path.split('?')[1];
        return path.startsWith(NEXT_PATH);
      })
      .reply(200, settings);
    const { client } = harness();
    await expect(client.get(NEXT)).resolves.toEqual(settings);
    expect(query).toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('keeps a path prefix of the base URL', async () => {
    const scope = nock('http://127.0.0.1:4010').get(`/proxy${V3_PATH}`).query(true).reply(404);
    const client = createHubSpotClient({
      baseUrl: 'http://127.0.0.1:4010/proxy',
      env: { HUBSPOT_DEVELOPER_API_KEY: API_KEY },
      timeoutMs: 1000,
      sleep: async () => {},
      random: () => 0,
      now: () => 0,
    });
    await expect(client.get(V3)).resolves.toBeNull();
    expect(scope.isDone()).toBe(true);
  });
});

describe('GET', () => {
  it('404 means no settings', async () => {
    nock(BASE).get(V3_PATH).query(true).reply(404, { status: 'error', message: 'not found', category: 'OBJECT_NOT_FOUND' });
    await expect(harness().client.get(V3)).resolves.toBeNull();
  });

  it('keeps timestamps in the seed format and drops other extra fields', async () => {
    nock(BASE)
      .get(V3_PATH)
      .query(true)
      .reply(200, { ...settings, createdAt: '2024-04-30 12:01', updatedAt: '2023-11-07T05:31:56Z', portalCount: 3 });
    await expect(harness().client.get(V3)).resolves.toStrictEqual({
      ...settings,
      createdAt: '2024-04-30 12:01',
      updatedAt: '2023-11-07T05:31:56Z',
    });
  });

  it('rejects a body without a boolean isReady, naming the field', async () => {
    nock(BASE).get(V3_PATH).query(true).reply(200, { url: settings.url, isReady: 'yes' });
    const error = await rejection(harness().client.get(V3));
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error.message).toBe('app 1234567: GET settings returned an unexpected body: "isReady" is not a boolean');
  });

  it('retries a truncated JSON 200 like a 5xx', async () => {
    const scope = nock(BASE).get(V3_PATH).query(true).reply(200, '{"url":"https://exa').get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await expect(h.client.get(V3)).resolves.toEqual(settings);
    expect(scope.isDone()).toBe(true);
    expect(h.sleeps).toHaveLength(1);
  });
});

describe('writes', () => {
  it('POST sends {url, isReady} and returns the created settings', async () => {
    let body: unknown;
    nock(BASE)
      .post(V3_PATH, (b: unknown) => {
        body = b;
        return true;
      })
      .query(true)
      .reply(201, { ...settings, createdAt: '2026-03-01T12:00:00Z', updatedAt: '2026-03-01T12:00:00Z' });
    const created = await harness().client.create(V3, settings);
    expect(body).toStrictEqual(settings);
    expect(created.createdAt).toBe('2026-03-01T12:00:00Z');
  });

  it('PATCH sends exactly the given fields', async () => {
    let body: unknown;
    nock(BASE)
      .patch(NEXT_PATH, (b: unknown) => {
        body = b;
        return true;
      })
      .reply(200, { ...settings, isReady: false });
    const updated = await harness().client.update(NEXT, { isReady: false });
    expect(body).toStrictEqual({ isReady: false });
    expect(updated.isReady).toBe(false);
  });

  it('DELETE 204 is done', async () => {
    const scope = nock(BASE).delete(V3_PATH).query(true).reply(204);
    await expect(harness().client.delete(V3)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('DELETE 404 is done: nothing to delete', async () => {
    const scope = nock(BASE).delete(NEXT_PATH).reply(404, { message: 'not found' });
    await expect(harness().client.delete(NEXT)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('PATCH 404 is an error with HubSpot\'s message, category and correlationId', async () => {
    nock(BASE)
      .patch(V3_PATH)
      .query(true)
      .reply(404, { status: 'error', message: 'Settings not found', category: 'OBJECT_NOT_FOUND', correlationId: 'c0ffee' });
    const error = await rejection(harness().client.update(V3, { url: 'https://example.com/x' }));
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error.message).toBe('app 1234567: PATCH settings failed: 404 OBJECT_NOT_FOUND: Settings not found');
    expect(error).toMatchObject({ status: 404, category: 'OBJECT_NOT_FOUND', correlationId: 'c0ffee', method: 'PATCH', appId: 1234567 });
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
