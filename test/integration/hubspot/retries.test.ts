import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotClient } from '../../../src/hubspot/client.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import { API_KEY, BASE, harness, NOT_FOUND, rejection, socketError, V3, V3_PATH } from './harness.js';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const settings = { url: 'https://example.com/my-help-desk-service', isReady: true };
const remote = { fields: settings };
const tenSecondly = { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', category: 'RATE_LIMITS', policyName: 'TEN_SECONDLY_ROLLING' };

describe('rate limits', () => {
  it('honours Retry-After in seconds on a 429', async () => {
    const scope = nock(BASE)
      .get(V3_PATH).query(true).reply(429, tenSecondly, { 'Retry-After': '7' })
      .get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await expect(h.client.get(V3)).resolves.toEqual(remote);
    expect(h.sleeps).toEqual([7000]);
    expect(scope.isDone()).toBe(true);
  });

  it('honours Retry-After as an HTTP-date, capped at 60 s', async () => {
    nock(BASE)
      .get(V3_PATH).query(true).reply(503, 'busy', { 'Retry-After': 'Sun, 01 Mar 2026 12:00:03 GMT' })
      .get(V3_PATH).query(true).reply(503, 'busy', { 'Retry-After': '600' })
      .get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await h.client.get(V3);
    expect(h.sleeps).toEqual([3000, 60_000]);
  });

  it('waits out the interval when Remaining is 0 and there is no Retry-After', async () => {
    nock(BASE)
      .get(V3_PATH).query(true)
      .reply(429, tenSecondly, {
        'X-HubSpot-RateLimit-Max': '100',
        'X-HubSpot-RateLimit-Remaining': '0',
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
      })
      .get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await h.client.get(V3);
    // The retry waits the interval; the pacer then holds the start until its
    // (slightly longer) window is clear of the server-reported burst.
    expect(h.sleeps[0]).toBe(10_000);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_500);
  });

  it('retries a 429 without policyName using backoff with full jitter', async () => {
    nock(BASE)
      .get(V3_PATH).query(true).reply(429, { message: 'slow down' })
      .get(V3_PATH).query(true).reply(429, { message: 'slow down' })
      .get(V3_PATH).query(true).reply(200, settings);
    const h = harness({ random: () => 0.25 });
    await h.client.get(V3);
    // 0.25 × 1 s, then 0.25 × 2 s.
    expect(h.sleeps).toEqual([250, 500]);
  });

  it('stops at once on a DAILY 429 and says hscc did not retry', async () => {
    const scope = nock(BASE)
      .get(V3_PATH).query(true)
      .reply(429, { status: 'error', message: 'You have reached your daily limit.', category: 'RATE_LIMITS', policyName: 'DAILY', correlationId: 'd41y' }, { 'Retry-After': '1' });
    const h = harness();
    const error = await rejection(h.client.get(V3));
    expect(scope.isDone()).toBe(true);
    expect(h.sleeps).toEqual([]);
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error.message).toMatch(/^app 1234567: GET channel-connection settings failed: HubSpot's daily API limit is reached .*; hscc did not retry$/);
    expect(error).toMatchObject({ status: 429, category: 'RATE_LIMITS', correlationId: 'd41y', attempts: 1 });
  });
});

describe('no retry on client errors', () => {
  for (const [status, category] of [
    [400, 'VALIDATION_ERROR'],
    [401, 'INVALID_AUTHENTICATION'],
    [403, 'MISSING_SCOPES'],
    [409, 'CONFLICT'],
  ] as const) {
    it(`${status} is sent once and reported with HubSpot's message`, async () => {
      let calls = 0;
      nock(BASE)
        .get(V3_PATH).query(true).times(3)
        .reply(() => {
          calls++;
          return [status, { status: 'error', message: 'Nope.', category, correlationId: 'abc-123' }];
        });
      const h = harness();
      const error = await rejection(h.client.get(V3));
      expect(calls).toBe(1);
      expect(h.sleeps).toEqual([]);
      expect(error.message).toBe(`app 1234567: GET channel-connection settings failed: ${status} ${category}: Nope.`);
      expect(error).toMatchObject({ status, category, correlationId: 'abc-123' });
    });
  }
});

describe('transient failures', () => {
  it('stops after 6 attempts on 5xx and says so', async () => {
    let calls = 0;
    nock(BASE)
      .get(V3_PATH).query(true).times(10)
      .reply(() => {
        calls++;
        return [502, '<html>bad gateway</html>'];
      });
    const h = harness({ random: () => 0.999 });
    const error = await rejection(h.client.get(V3));
    expect(calls).toBe(6);
    // Full jitter under a ceiling of 1, 2, 4, 8, 16 s.
    expect(h.sleeps).toEqual([999, 1998, 3996, 7992, 15984]);
    expect(error.message).toBe('app 1234567: GET channel-connection settings failed after 6 attempts: 502 Bad Gateway');
    expect(error).toMatchObject({ status: 502, attempts: 6 });
  });

  it('retries a connection reset', async () => {
    const scope = nock(BASE)
      .get(V3_PATH).query(true).replyWithError(socketError('ECONNRESET', 'socket hang up'))
      .get(V3_PATH).query(true).reply(200, settings);
    const h = harness();
    await expect(h.client.get(V3)).resolves.toEqual(remote);
    expect(scope.isDone()).toBe(true);
    expect(h.sleeps).toHaveLength(1);
    expect(h.logs[0]).toContain('ECONNRESET');
  });

  it('names the host when it cannot be reached, after 6 attempts', async () => {
    nock(BASE).get(V3_PATH).query(true).times(6).replyWithError(socketError('ECONNREFUSED'));
    const error = await rejection(harness().client.get(V3));
    expect(error.message).toBe('app 1234567: GET channel-connection settings failed after 6 attempts: could not reach api.hubapi.com (ECONNREFUSED)');
  });

  it('does not retry an unknown host', async () => {
    nock(BASE).get(V3_PATH).query(true).replyWithError(socketError('ENOTFOUND'));
    const h = harness();
    const error = await rejection(h.client.get(V3));
    expect(error.message).toBe('app 1234567: GET channel-connection settings failed: could not reach api.hubapi.com (ENOTFOUND)');
    expect(h.sleeps).toEqual([]);
  });

  it('times out a request, says after how long, and gives up on a host silent for a whole timeout', async () => {
    nock(BASE).get(V3_PATH).query(true).times(6).delay(200).reply(200, settings);
    // The fake clock only moves in sleep(): the first retry waits 500 ms,
    // longer than the 20 ms timeout, with no answer in between.
    const h = harness({ timeoutMs: 20 });
    const error = await rejection(h.client.get(V3));
    expect(error.message).toBe(
      'app 1234567: GET channel-connection settings failed after 2 attempts: timed out after 0.02s; gave up: api.hubapi.com timed out: no answer for 0.5 s (2 requests in a row failed)',
    );
    expect(error).toMatchObject({ rerunnable: true, notAttempted: undefined, attempts: 2 });
    expect(h.sleeps).toHaveLength(1);
  });
});

describe('writes whose outcome is unknown', () => {
  it('re-reads a POST that got a 500 and does not repeat it when it took effect', async () => {
    let posts = 0;
    const scope = nock(BASE)
      .post(V3_PATH).query(true).times(2)
      .reply(() => {
        posts++;
        return [500, { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' }];
      })
      .get(V3_PATH).query(true).reply(200, { ...settings, createdAt: '2026-03-01T12:00:00Z', updatedAt: '2026-03-01T12:00:00Z' });
    const h = harness();
    const created = await h.client.create(V3, settings);
    expect(posts).toBe(1);
    // The first POST took effect: a write was made.
    expect(created).toMatchObject({ remote: remote, wrote: true });
    expect(scope.pendingMocks()).toHaveLength(1); // the second POST was never sent
  });

  it('retries a POST after a reset when the re-read finds nothing', async () => {
    const scope = nock(BASE)
      .post(V3_PATH).query(true).replyWithError(socketError('ECONNRESET'))
      .get(V3_PATH).query(true).reply(404, NOT_FOUND)
      .post(V3_PATH).query(true).reply(201, settings);
    await expect(harness().client.create(V3, settings)).resolves.toEqual({ remote, wrote: true });
    expect(scope.isDone()).toBe(true);
  });

  it('counts a PATCH that timed out as done when the re-read shows the fields', async () => {
    const scope = nock(BASE)
      .patch(V3_PATH).query(true).delay(2000).reply(200, settings)
      .get(V3_PATH).query(true).reply(200, settings);
    // Long enough for the re-read to answer on a loaded machine.
    const h = harness({ timeoutMs: 250 });
    await expect(h.client.update(V3, { isReady: true })).resolves.toEqual({ remote, wrote: true });
    expect(scope.isDone()).toBe(true);
  });

  it('counts a DELETE answered 503 as done when the re-read finds nothing', async () => {
    let deletes = 0;
    nock(BASE)
      .delete(V3_PATH).query(true).times(2)
      .reply(() => {
        deletes++;
        return [503, ''];
      })
      .get(V3_PATH).query(true).reply(404, NOT_FOUND);
    await expect(harness().client.delete(V3)).resolves.toEqual({ remote: null, wrote: true });
    expect(deletes).toBe(1);
  });

  it('a DELETE answered 200 with a cut-off JSON body is re-read: the delete may not have happened', async () => {
    const scope = nock(BASE)
      .delete(V3_PATH).query(true).reply(200, '{"url":"https://example.com/hd","isReady":true,"createdAt":"20', { 'content-type': 'application/json' })
      .get(V3_PATH).query(true).reply(200, settings)
      .delete(V3_PATH).query(true).reply(204);
    await expect(harness().client.delete(V3)).resolves.toEqual({ remote: null, wrote: true });
    expect(scope.isDone()).toBe(true);
  });

  it('does not re-read before retrying a write refused with a 429', async () => {
    const scope = nock(BASE)
      .patch(V3_PATH).query(true).reply(429, tenSecondly, { 'Retry-After': '1' })
      .patch(V3_PATH).query(true).reply(200, settings);
    await expect(harness().client.update(V3, { url: settings.url })).resolves.toEqual({ remote, wrote: true });
    expect(scope.isDone()).toBe(true);
  });
});

describe('an interrupt', () => {
  const internalError = { status: 'error', message: 'internal error', category: 'INTERNAL_ERROR' };

  it('a write in flight that fails is re-read, not sent again', async () => {
    const interrupt = new AbortController();
    let patches = 0;
    const scope = nock(BASE)
      .patch(V3_PATH).query(true).times(2)
      .reply(() => {
        patches++;
        // The signal comes while the write is in flight.
        interrupt.abort();
        return [503, internalError];
      })
      .get(V3_PATH).query(true).reply(200, { ...settings, isReady: false });
    const h = harness({ interrupted: interrupt.signal });
    const error = (await rejection(h.client.update(V3, { isReady: true }))) as HubSpotError;
    expect(patches).toBe(1);
    // The re-read showed the write did not take effect, so that is not "unknown".
    expect(error.message).toBe('app 1234567: PATCH channel-connection settings failed after 1 attempt: 503 INTERNAL_ERROR: internal error; not retried: the run was interrupted');
    expect(error).toMatchObject({ attempts: 1, rerunnable: true });
    expect(h.sleeps).toEqual([]);
    expect(scope.pendingMocks()).toHaveLength(1); // the second PATCH was never sent
  });

  it('a write in flight whose connection resets counts as done when the re-read shows it took effect', async () => {
    const interrupt = new AbortController();
    const scope = nock(BASE).post(V3_PATH).query(true).replyWithError(socketError('ECONNRESET')).get(V3_PATH).query(true).reply(200, settings);
    // The signal comes while the write is in flight.
    scope.once('request', () => interrupt.abort());
    await expect(harness({ interrupted: interrupt.signal }).client.create(V3, settings)).resolves.toEqual({ remote, wrote: true });
    expect(scope.isDone()).toBe(true);
  });

  it('a request waiting for its turn under the rate limit is not sent once the signal comes, and says so at once', async () => {
    const interrupt = new AbortController();
    // The first answer fills the window: the next request has to wait 10 s.
    const full = { 'X-HubSpot-RateLimit-Max': '1', 'X-HubSpot-RateLimit-Remaining': '0', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' };
    const scope = nock(BASE).get(V3_PATH).query(true).reply(200, settings, full);
    let cutShort = 0;
    const client = createHubSpotClient({
      baseUrl: BASE,
      env: { HUBSPOT_DEVELOPER_API_KEY: API_KEY },
      timeoutMs: 30_000,
      // A real wait, which only the signal ends.
      sleep: (ms, signal) => new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => (clearTimeout(timer), (cutShort += 1), reject(new Error('aborted'))), { once: true });
      }),
      random: () => 0,
      now: () => Date.now(),
      interrupted: interrupt.signal,
    });
    await client.get(V3);
    const waiting = rejection(client.update(V3, { isReady: false }));
    setImmediate(() => interrupt.abort());
    const error = (await waiting) as HubSpotError;
    expect(error).toMatchObject({ attempts: 0, notAttempted: 'the run was interrupted', rerunnable: true });
    // The signal ended the pacer's wait; it did not run its 10 s.
    expect(cutShort).toBe(1);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('starts no write after the signal, and still reads', async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const scope = nock(BASE).get(V3_PATH).query(true).reply(200, settings);
    const h = harness({ interrupted: interrupt.signal });
    await expect(h.client.get(V3)).resolves.toEqual(remote);
    const error = (await rejection(h.client.delete(V3))) as HubSpotError;
    expect(error).toMatchObject({ attempts: 0, notAttempted: 'the run was interrupted', rerunnable: true });
    expect(scope.isDone()).toBe(true);
  });
});

describe('POST when settings exist', () => {
  it('resolves a 409 by GET and a PATCH of only the differing fields', async () => {
    let patchBody: unknown;
    const scope = nock(BASE)
      .post(V3_PATH).query(true).reply(409, { status: 'error', message: 'Settings already exist', category: 'CONFLICT' })
      .get(V3_PATH).query(true).reply(200, { url: 'https://old.example.com/hook', isReady: true })
      .patch(V3_PATH, (b: unknown) => {
        patchBody = b;
        return true;
      })
      .query(true)
      .reply(200, settings);
    await expect(harness().client.create(V3, settings)).resolves.toEqual({ remote, wrote: true });
    expect(patchBody).toStrictEqual({ url: settings.url });
    expect(scope.isDone()).toBe(true);
  });

  it('resolves a 400 with equal settings without any PATCH: no write was made', async () => {
    const scope = nock(BASE)
      .post(V3_PATH).query(true).reply(400, { status: 'error', message: 'already configured', category: 'VALIDATION_ERROR' })
      .get(V3_PATH).query(true).reply(200, settings);
    await expect(harness().client.create(V3, settings)).resolves.toEqual({ remote, wrote: false });
    expect(scope.isDone()).toBe(true);
  });

  it('a 409 whose re-read already matches is wrote: false ("already as planned"), with no PATCH', async () => {
    const scope = nock(BASE)
      .post(V3_PATH).query(true).reply(409, { status: 'error', message: 'Settings already exist', category: 'CONFLICT', correlationId: 'c409' })
      .get(V3_PATH).query(true).reply(200, { ...settings, createdAt: '2024-04-30 12:01', portalCount: 2 });
    await expect(harness().client.create(V3, settings)).resolves.toEqual({ remote: { ...remote, createdAt: '2024-04-30 12:01' }, wrote: false });
    expect(scope.isDone()).toBe(true);
  });

  it('lets the 400 stand when the re-read finds no settings', async () => {
    nock(BASE)
      .post(V3_PATH).query(true).reply(400, { status: 'error', message: 'url must be https', category: 'VALIDATION_ERROR', errors: [{ message: 'url: must use https' }] })
      .get(V3_PATH).query(true).reply(404, NOT_FOUND);
    const error = await rejection(harness().client.create(V3, settings));
    expect(error.message).toBe('app 1234567: POST channel-connection settings failed: 400 VALIDATION_ERROR: url must be https (url: must use https)');
  });
});
