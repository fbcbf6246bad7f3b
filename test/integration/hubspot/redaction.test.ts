import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsClient } from '../../../src/hubspot/types.js';
import { encodingsOf } from '../../../src/runtime/secrets.js';
import { API_KEY, BASE, harness, NEXT, NEXT_PATH, NOT_FOUND, rejection, socketError, TOKEN, V3, V3_PATH } from './harness.js';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

// Every usual spelling of each secret: raw, percent- and form-encoded in
// either hex case, JSON-escaped.
const FORMS = [...encodingsOf(API_KEY), ...encodingsOf(TOKEN), 'dev-key-3f9a+secret\\/value'];

/** Every string an error exposes: its text forms, stack, and all own property values. */
function surfaces(error: Error): string[] {
  const record = error as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyNames(error).map((name) => String(record[name]));
  return [String(error), error.message, error.stack ?? '', JSON.stringify(error), ...own];
}

function expectNoSecret(texts: readonly string[]): void {
  for (const text of texts) for (const form of FORMS) expect(text).not.toContain(form);
}

const lowerPercent = encodeURIComponent(API_KEY).toLowerCase();
const form = new URLSearchParams({ k: API_KEY }).toString().slice(2);

/** An error body that echoes the secrets back in every field and every encoding. */
const echo = {
  status: 'error',
  message: `Invalid key ${API_KEY} (hapikey=${encodeURIComponent(API_KEY)}, ${lowerPercent}, ${form}) / Bearer ${TOKEN}`,
  category: `INVALID_AUTHENTICATION ${API_KEY}`,
  subCategory: `sub ${lowerPercent}`,
  correlationId: `corr-${TOKEN}`,
  errors: [{ message: `hapikey ${API_KEY} is not valid` }, { message: `escaped ${JSON.stringify(API_KEY).replace('/', '\\/')}` }],
};
/** The same echo as raw text, as a proxy might send it (JSON escapes and all). */
const echoText = JSON.stringify(echo).replace('/', '\\u002F');
const echoHeaders = { 'X-Echo': encodeURIComponent(API_KEY), 'Set-Cookie': `k=${TOKEN}`, Location: `https://evil.example.com/?k=${lowerPercent}&t=${TOKEN}` };

interface Case {
  name: string;
  mock: () => void;
  call: (client: SettingsClient) => Promise<unknown>;
  timeoutMs?: number;
}

const cases: Case[] = [
  { name: 'v3 401 echoing the key', mock: () => void nock(BASE).get(V3_PATH).query(true).reply(401, echo, echoHeaders), call: (c) => c.get(V3) },
  { name: '2026-03 403 echoing the token', mock: () => void nock(BASE).delete(NEXT_PATH).reply(403, echo, echoHeaders), call: (c) => c.delete(NEXT) },
  { name: 'a 400 echo as escaped text', mock: () => void nock(BASE).get(V3_PATH).query(true).reply(400, echoText, echoHeaders), call: (c) => c.get(V3) },
  {
    name: 'v3 5xx until exhausted, echoing the key',
    mock: () => void nock(BASE).patch(V3_PATH).query(true).times(6).reply(500, echo, echoHeaders).get(V3_PATH).query(true).times(5).reply(404, NOT_FOUND),
    call: (c) => c.update(V3, { isReady: true }),
  },
  { name: 'DAILY 429 echoing the key', mock: () => void nock(BASE).get(V3_PATH).query(true).reply(429, { ...echo, policyName: 'DAILY' }), call: (c) => c.get(V3) },
  { name: 'TEN_SECONDLY 429 until exhausted', mock: () => void nock(BASE).get(V3_PATH).query(true).times(6).reply(429, { ...echo, policyName: 'TEN_SECONDLY_ROLLING' }), call: (c) => c.get(V3) },
  {
    name: 'a reset whose error text holds the full URL',
    mock: () => void nock(BASE).get(V3_PATH).query(true).times(6).replyWithError(socketError('ECONNRESET', `socket hang up ${BASE}${V3_PATH}?hapikey=${encodeURIComponent(API_KEY)}`)),
    call: (c) => c.get(V3),
  },
  {
    name: 'an unretryable network error holding the key',
    mock: () => void nock(BASE).get(V3_PATH).query(true).replyWithError(socketError('ENOTFOUND', `getaddrinfo ENOTFOUND ${API_KEY}`)),
    call: (c) => c.get(V3),
  },
  { name: 'a timeout', mock: () => void nock(BASE).get(V3_PATH).query(true).times(6).delay(100).reply(200, {}), call: (c) => c.get(V3), timeoutMs: 10 },
  {
    name: 'a 2xx with a bad shape echoing the key',
    mock: () => void nock(BASE).post(V3_PATH).query(true).reply(201, { url: 1, isReady: API_KEY }),
    call: (c) => c.create(V3, { url: 'https://example.com/h', isReady: true }),
  },
  { name: 'a 302 redirect to a page carrying the key', mock: () => void nock(BASE).get(V3_PATH).query(true).reply(302, echo, echoHeaders), call: (c) => c.get(V3) },
  { name: 'an HTML 404 echoing the key', mock: () => void nock(BASE).get(V3_PATH).query(true).reply(404, `<html>${API_KEY} ${lowerPercent}</html>`, echoHeaders), call: (c) => c.get(V3) },
];

describe('secrets never reach errors or logs', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      testCase.mock();
      const h = harness(testCase.timeoutMs === undefined ? {} : { timeoutMs: testCase.timeoutMs });
      const error = await rejection(testCase.call(h.client));
      expect(error.cause).toBeUndefined();
      expect(h.logs.length).toBeGreaterThan(0);
      expectNoSecret([...surfaces(error), ...h.logs]);
      // The message still says what happened, with the secret replaced.
      expect(error.message).toMatch(/^app \d+: (GET|POST|PATCH|DELETE) channel-connection settings /);
    });
  }

  it('shows [REDACTED] where the server echoed the key, in every encoding', async () => {
    nock(BASE).get(V3_PATH).query(true).reply(401, echo);
    const error = await rejection(harness().client.get(V3));
    expect(error.message).toBe(
      'app 1234567: GET channel-connection settings failed: 401 INVALID_AUTHENTICATION [REDACTED] (sub [REDACTED]): Invalid key [REDACTED] (hapikey=[REDACTED], [REDACTED], [REDACTED]) / Bearer [REDACTED] (hapikey [REDACTED] is not valid; escaped "[REDACTED]")',
    );
    expect((error as { correlationId?: string }).correlationId).toBe('corr-[REDACTED]');
  });

  it("shows a redirect's Location with the secret replaced", async () => {
    nock(BASE).get(V3_PATH).query(true).reply(302, '', echoHeaders);
    const error = await rejection(harness().client.get(V3));
    expect(error.message).toBe(
      'app 1234567: GET channel-connection settings failed: 302 Found (redirected to https://evil.example.com/?k=[REDACTED]&t=[REDACTED]; hscc does not follow redirects: check the base URL)',
    );
  });
});
