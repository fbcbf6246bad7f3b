import { describe, expect, it } from 'vitest';
import { RollingRateLimiter } from '../../../src/emulator/rate-limit.js';

describe('RollingRateLimiter', () => {
  it('allows max requests per rolling interval and counts down remaining', () => {
    const limiter = new RollingRateLimiter(3, 10_000);
    expect([0, 1, 2].map((t) => limiter.take('k', t).remaining)).toEqual([2, 1, 0]);
    const refused = limiter.take('k', 2_500);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, max: 3, intervalMs: 10_000 });
    // The oldest request (t=0) leaves the window at t=10 000: 7.5 s → 8 s.
    expect(refused.retryAfterSeconds).toBe(8);
  });

  it('frees a slot exactly when the oldest request leaves the window', () => {
    const limiter = new RollingRateLimiter(2, 1_000);
    limiter.take('k', 0);
    limiter.take('k', 500);
    expect(limiter.take('k', 999).allowed).toBe(false);
    expect(limiter.take('k', 1_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('does not count refused requests', () => {
    const limiter = new RollingRateLimiter(1, 1_000);
    limiter.take('k', 0);
    for (let t = 1; t < 1_000; t += 100) expect(limiter.take('k', t).allowed).toBe(false);
    expect(limiter.take('k', 1_000).allowed).toBe(true);
  });

  it('answers Retry-After of at least one second', () => {
    const limiter = new RollingRateLimiter(1, 100);
    limiter.take('k', 0);
    expect(limiter.take('k', 99).retryAfterSeconds).toBe(1);
  });

  it('keeps one window per credential', () => {
    const limiter = new RollingRateLimiter(1, 1_000);
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('b', 0).allowed).toBe(true);
    expect(limiter.take('a', 1).allowed).toBe(false);
  });

  it('peeks without recording', () => {
    const limiter = new RollingRateLimiter(2, 1_000);
    expect(limiter.peek('a', 0)).toMatchObject({ remaining: 2 });
    limiter.take('a', 0);
    expect(limiter.peek('a', 1)).toMatchObject({ remaining: 1 });
    expect(limiter.peek('a', 1)).toMatchObject({ remaining: 1 });
    expect(limiter.peek('a', 1_000)).toMatchObject({ remaining: 2 });
  });

  it('stays correct over many windows (queue compaction)', () => {
    const limiter = new RollingRateLimiter(2, 10);
    let allowed = 0;
    for (let t = 0; t < 10_000; t += 1) if (limiter.take('k', t).allowed) allowed += 1;
    expect(allowed).toBe(2_000);
  });
});
