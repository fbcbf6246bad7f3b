import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryableNetworkCode, isRetryableStatus, MAX_WAIT_MS, parseRetryAfter, retryWait } from '../../../src/hubspot/retry.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1500);
  });
  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', NOW)).toBe(0);
  });
  it('reads the obsolete HTTP-date forms RFC 9110 asks recipients to accept', () => {
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Sun Mar  1 12:00:10 2026', NOW)).toBe(10_000);
  });
  it('reads every form as UTC, whatever the local time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      for (const form of ['Sun, 01 Mar 2026 12:00:10 GMT', 'Sunday, 01-Mar-26 12:00:10 GMT', 'Sun Mar  1 12:00:10 2026']) expect(parseRetryAfter(form, NOW)).toBe(10_000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
  it.each(['+3', '-1', '2030-01-01', 'Mar 1 2026', '3 days', '1e3', 'Sun, 01 Mar 2026 12:00:10 PST'])(
    'does not read %j as a date (V8 would): backoff decides instead',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
      expect(retryWait({ retry: 1, retryAfter: value, rateLimit: {}, now: NOW, random: () => 0.5 }).basis).toBe('backoff');
    },
  );
});

describe('backoffMs', () => {
  it('doubles the ceiling per retry and caps it at 30 s', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 10].map((r) => backoffMs(r, top))).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999]);
  });
  it('uses full jitter: anywhere from 0', () => {
    expect(backoffMs(5, () => 0)).toBe(0);
  });
});

describe('retryWait', () => {
  const base = { retry: 1, now: NOW, random: () => 0.5 };
  it('prefers Retry-After over the rate-limit headers', () => {
    expect(retryWait({ ...base, retryAfter: '3', rateLimit: { remaining: 0, intervalMs: 10_000 } })).toEqual({ ms: 3000, basis: 'Retry-After' });
  });
  it('waits out the interval when Remaining is 0', () => {
    expect(retryWait({ ...base, retryAfter: undefined, rateLimit: { remaining: 0, intervalMs: 10_000 } })).toEqual({ ms: 10_000, basis: 'rate-limit interval' });
  });
  it('falls back to backoff when Remaining is not 0', () => {
    expect(retryWait({ ...base, retryAfter: undefined, rateLimit: { remaining: 3, intervalMs: 10_000 } })).toEqual({ ms: 500, basis: 'backoff' });
  });
  it('never waits over 60 s', () => {
    expect(retryWait({ ...base, retryAfter: '3600', rateLimit: {} }).ms).toBe(MAX_WAIT_MS);
    expect(retryWait({ ...base, retryAfter: undefined, rateLimit: { remaining: 0, intervalMs: 86_400_000 } }).ms).toBe(MAX_WAIT_MS);
  });
});

describe('what is retried', () => {
  it('retries 429 and 5xx, never 400/401/403/404/409', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409].some(isRetryableStatus)).toBe(false);
  });
  it('retries resets, refusals, broken pipes and timeouts, not unknown hosts', () => {
    expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].every(isRetryableNetworkCode)).toBe(true);
    expect(isRetryableNetworkCode('ENOTFOUND')).toBe(false);
  });
});
