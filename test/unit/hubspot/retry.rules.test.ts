// DESIGN.md "Retries" as rules over the exported retry policy.
import { describe, expect, it } from 'vitest';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  MAX_ATTEMPTS,
  MAX_WAIT_MS,
  backoffMs,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  retryWait,
} from '../../../src/hubspot/retry.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const base = { retry: 1, now: NOW, random: () => 0.5 };

describe('retry policy: DESIGN.md "Retries"', () => {
  it('at most 5 retries: 6 attempts per request', () => {
    expect(MAX_ATTEMPTS).toBe(6);
  });

  it('no single wait over 60 s, whatever the server asks and however many retries', () => {
    expect(MAX_WAIT_MS).toBe(60_000);
    const asks = [
      { retryAfter: '86400', rateLimit: {} },
      { retryAfter: 'Wed, 01 Apr 2026 12:00:00 GMT', rateLimit: {} },
      { retryAfter: undefined, rateLimit: { remaining: 0, intervalMs: 3_600_000 } },
      { retryAfter: undefined, rateLimit: {} },
    ];
    for (const ask of asks) {
      for (let retry = 1; retry <= 40; retry++) {
        const wait = retryWait({ ...base, ...ask, retry, random: () => 0.999999 });
        expect(wait.ms).toBeGreaterThanOrEqual(0);
        expect(wait.ms).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it('a wait the server asks for under 60 s is honoured exactly', () => {
    expect(retryWait({ ...base, retryAfter: '59', rateLimit: {} })).toEqual({ ms: 59_000, basis: 'Retry-After' });
    expect(retryWait({ ...base, retryAfter: undefined, rateLimit: { remaining: 0, intervalMs: 59_999 } })).toEqual({
      ms: 59_999,
      basis: 'rate-limit interval',
    });
  });

  it('Retry-After wins over the rate-limit headers, even when it says 0', () => {
    expect(retryWait({ ...base, retryAfter: '0', rateLimit: { remaining: 0, intervalMs: 10_000 } })).toEqual({ ms: 0, basis: 'Retry-After' });
  });

  it('an unreadable Retry-After is as good as none', () => {
    expect(retryWait({ ...base, retryAfter: 'later', rateLimit: { remaining: 0, intervalMs: 10_000 } })).toEqual({
      ms: 10_000,
      basis: 'rate-limit interval',
    });
    expect(retryWait({ ...base, retryAfter: '', rateLimit: {} }).basis).toBe('backoff');
  });

  it('Remaining 0 without an interval falls back to backoff', () => {
    expect(retryWait({ ...base, retryAfter: undefined, rateLimit: { remaining: 0 } })).toEqual({ ms: 500, basis: 'backoff' });
  });

  it('an interval alone (Remaining unknown) is not a reason to wait it out', () => {
    expect(retryWait({ ...base, retryAfter: undefined, rateLimit: { intervalMs: 10_000 } }).basis).toBe('backoff');
  });
});

describe('Retry-After', () => {
  it('is delta seconds, fractional seconds rounded to the millisecond', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('2.0005', NOW)).toBe(2001);
    expect(parseRetryAfter('\t3\n', NOW)).toBe(3000);
  });

  it('a number with junk around it is not delta seconds', () => {
    for (const value of ['3s', 'x3', '3 s', '1e3', '0x10']) {
      expect(parseRetryAfter(value, NOW), value).toBeUndefined();
    }
  });

  it('is an HTTP-date measured from now', () => {
    expect(parseRetryAfter(new Date(NOW + 1500).toUTCString(), NOW)).toBe(1000);
    expect(parseRetryAfter(new Date(NOW).toUTCString(), NOW)).toBe(0);
  });
});

describe('backoff', () => {
  it('stays below a ceiling that starts at 1 s, doubles per retry and stops at 30 s', () => {
    expect(BACKOFF_BASE_MS).toBe(1000);
    expect(BACKOFF_CAP_MS).toBe(30_000);
    const ceiling = (retry: number) => Math.min(30_000, 1000 * 2 ** (retry - 1));
    for (let retry = 1; retry <= 12; retry++) {
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const ms = backoffMs(retry, () => r);
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(ceiling(retry));
      }
      expect(backoffMs(retry, () => 0.5)).toBe(ceiling(retry) / 2);
    }
  });
});

describe('what is retried', () => {
  it('429 and every 5xx; nothing below 500 but 429, nothing from 600', () => {
    for (let status = 500; status <= 599; status++) expect(isRetryableStatus(status), String(status)).toBe(true);
    for (const status of [200, 201, 204, 301, 304, 400, 401, 403, 404, 408, 409, 422, 428, 430, 499, 600, 601]) {
      expect(isRetryableStatus(status), String(status)).toBe(false);
    }
    expect(isRetryableStatus(429)).toBe(true);
  });

  it('connection drops and brief unreachability are retried', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']) {
      expect(isRetryableNetworkCode(code), code).toBe(true);
    }
  });

  it('a wrong host or a local error is not', () => {
    for (const code of ['ENOTFOUND', 'ERR_INVALID_URL', 'EACCES', 'CERT_HAS_EXPIRED', '', 'econnreset']) {
      expect(isRetryableNetworkCode(code), code).toBe(false);
    }
  });
});
