// Rules of giving up on a host (DESIGN.md "Every attempt has a timeout"):
// N failures in a row, or a whole timeout with no answer, stop later calls.
import { describe, expect, it } from 'vitest';
import { createHostBreaker, HOST_FAILURE_LIMIT, type HostBreaker } from '../../../src/hubspot/host-breaker.js';

const HOST = 'api.hubapi.com';
const breaker = (failureLimit = 3, silenceLimitMs = 30_000) => createHostBreaker({ host: HOST, failureLimit, silenceLimitMs });
const refused = (b: HostBreaker, at: number, code = 'ECONNREFUSED') => b.recordFailure({ startedAt: at, at, timedOut: false, code });

describe('failures in a row', () => {
  it('the client gives up after ten: a proxy restart resetting one round of parallel requests is not enough', () => {
    expect(HOST_FAILURE_LIMIT).toBe(10);
  });

  it('one fewer than the limit keeps the host; the limit gives it up', () => {
    const b = breaker(5);
    for (let i = 0; i < 4; i++) refused(b, i);
    expect(b.open).toBe(false);
    expect(b.reason).toBe('');
    refused(b, 4);
    expect(b.open).toBe(true);
  });

  it('an answer starts the count again', () => {
    const b = breaker(3);
    refused(b, 0);
    refused(b, 1);
    b.recordAnswer(2);
    refused(b, 3);
    refused(b, 4);
    expect(b.open).toBe(false);
    refused(b, 5);
    expect(b.open).toBe(true);
    expect(b.reason).toMatch(/\(3 requests in a row failed\)$/);
  });
});

describe('silence', () => {
  it('a whole timeout without any answer gives the host up, however few failed', () => {
    const b = breaker(10, 30_000);
    b.recordFailure({ startedAt: 0, at: 29_999, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(false);
    b.recordFailure({ startedAt: 1, at: 30_000, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(true);
  });

  it('is counted from the first failed attempt of the streak, not the latest', () => {
    const b = breaker(10, 30_000);
    b.recordFailure({ startedAt: 5_000, at: 6_000, timedOut: false, code: 'ECONNRESET' });
    b.recordFailure({ startedAt: 20_000, at: 35_000, timedOut: false, code: 'ECONNRESET' });
    expect(b.open).toBe(true);
    expect(b.reason).toBe(`${HOST} could not be reached (ECONNRESET): no answer for 30 s (2 requests in a row failed)`);
  });

  it('is counted from the last answer when that came after the streak started', () => {
    const b = breaker(10, 30_000);
    b.recordAnswer(10_000);
    b.recordFailure({ startedAt: 0, at: 39_999, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(false);
    b.recordFailure({ startedAt: 1, at: 40_000, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(true);
  });

  it('an answer that arrives late does not move the last answer back', () => {
    const b = breaker(10, 30_000);
    b.recordAnswer(10_000);
    b.recordAnswer(5_000);
    b.recordFailure({ startedAt: 0, at: 39_000, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(false);
  });

  it('an answer also forgets when the old streak started', () => {
    const b = breaker(10, 30_000);
    b.recordFailure({ startedAt: 0, at: 1_000, timedOut: false, code: 'ECONNRESET' });
    b.recordAnswer(1_000);
    b.recordFailure({ startedAt: 20_000, at: 40_000, timedOut: false, code: 'ECONNRESET' });
    expect(b.open).toBe(false);
  });
});

describe('the reason', () => {
  it('says "timed out" when any failure of the streak timed out, else the last error code', () => {
    const b = breaker(3);
    b.recordFailure({ startedAt: 0, at: 1, timedOut: true, code: 'ETIMEDOUT' });
    refused(b, 2, 'ECONNRESET');
    refused(b, 3, 'ECONNREFUSED');
    expect(b.reason).toBe(`${HOST} timed out: no answer for 0 s (3 requests in a row failed)`);

    const c = breaker(2);
    refused(c, 0, 'ECONNRESET');
    refused(c, 1, 'EPIPE');
    expect(c.reason).toBe(`${HOST} could not be reached (EPIPE): no answer for 0 s (2 requests in a row failed)`);
  });

  it('a timeout before an answer does not colour a later streak', () => {
    const b = breaker(2);
    b.recordFailure({ startedAt: 0, at: 1, timedOut: true, code: 'ETIMEDOUT' });
    b.recordAnswer(2);
    refused(b, 3);
    refused(b, 4);
    expect(b.reason).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });

  it('gives the silence in seconds to a tenth, and one request in the singular', () => {
    const b = breaker(1, 60_000);
    b.recordFailure({ startedAt: 1_000, at: 13_360, timedOut: false, code: 'ECONNREFUSED' });
    expect(b.reason).toBe(`${HOST} could not be reached (ECONNREFUSED): no answer for 12.4 s (1 request in a row failed)`);
  });

  it('is fixed once the host is given up on: later failures and answers change nothing', () => {
    const b = breaker(1);
    refused(b, 0, 'ECONNREFUSED');
    const reason = b.reason;
    b.recordFailure({ startedAt: 1, at: 90_000, timedOut: true, code: 'ETIMEDOUT' });
    b.recordAnswer(90_001);
    refused(b, 90_002);
    expect(b.open).toBe(true);
    expect(b.reason).toBe(reason);
  });
});
