import { describe, expect, it } from 'vitest';
import { createHostBreaker } from '../../../src/hubspot/host-breaker.js';

const breaker = () => createHostBreaker({ host: 'api.hubapi.com', failureLimit: 3, silenceLimitMs: 30_000 });

describe('createHostBreaker', () => {
  it('opens after the failure limit in a row, however quick', () => {
    const b = breaker();
    b.recordFailure({ startedAt: 0, at: 1, timedOut: false, code: 'ECONNREFUSED' });
    b.recordFailure({ startedAt: 2, at: 3, timedOut: false, code: 'ECONNREFUSED' });
    expect(b.open).toBe(false);
    b.recordFailure({ startedAt: 4, at: 5, timedOut: false, code: 'ECONNREFUSED' });
    expect(b.open).toBe(true);
    expect(b.reason).toBe('api.hubapi.com could not be reached (ECONNREFUSED): no answer for 0 s (3 requests in a row failed)');
  });

  it('opens on one timeout when nothing answered during it', () => {
    const b = breaker();
    b.recordFailure({ startedAt: 1000, at: 31_000, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(true);
    expect(b.reason).toBe('api.hubapi.com timed out: no answer for 30 s (1 request in a row failed)');
  });

  it('stays closed for a slow request while others answered', () => {
    const b = breaker();
    b.recordAnswer(20_000);
    b.recordFailure({ startedAt: 1000, at: 31_000, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(false);
    // Still no answer a whole timeout after the last one: open.
    b.recordFailure({ startedAt: 15_000, at: 50_000, timedOut: true, code: 'ETIMEDOUT' });
    expect(b.open).toBe(true);
  });

  it('an answer resets the streak', () => {
    const b = breaker();
    b.recordFailure({ startedAt: 0, at: 1, timedOut: false, code: 'ECONNRESET' });
    b.recordFailure({ startedAt: 2, at: 3, timedOut: false, code: 'ECONNRESET' });
    b.recordAnswer(4);
    b.recordFailure({ startedAt: 5, at: 6, timedOut: false, code: 'ECONNRESET' });
    b.recordFailure({ startedAt: 7, at: 8, timedOut: false, code: 'ECONNRESET' });
    expect(b.open).toBe(false);
  });

  it('stays open once open, whatever answers later', () => {
    const b = breaker();
    b.recordFailure({ startedAt: 0, at: 30_000, timedOut: true, code: 'ETIMEDOUT' });
    b.recordAnswer(30_001);
    expect(b.open).toBe(true);
  });
});
