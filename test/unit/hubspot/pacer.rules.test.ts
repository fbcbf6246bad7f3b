// The pacer's rules, stated through createPacer / readRateLimitHeaders only,
// so they hold however the pacer is implemented.
import { describe, expect, it } from 'vitest';
import { createPacer, readRateLimitHeaders, type Pacer } from '../../../src/hubspot/pacer.js';
import { MAX_WAIT_MS } from '../../../src/hubspot/retry.js';

/**
 * A clock whose sleep advances time at once; `set` moves time forward by hand.
 * A pacer that keeps sleeping gets an error instead of spinning for ever.
 */
function steppedClock(start = 0) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      if (sleeps.length > 1000) return Promise.reject(new Error('the pacer never lets the request start'));
      now += ms;
      return Promise.resolve();
    },
    set: (at: number) => {
      now = at;
    },
  };
}

/** Starts `count` requests one after another; returns their start times. */
async function startMany(pacer: Pacer, count: number): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < count; i++) starts.push((await pacer.acquire()).startedAt);
  return starts;
}

describe('readRateLimitHeaders: rules', () => {
  it('an absent header leaves its field out entirely', () => {
    expect(readRateLimitHeaders({})).toStrictEqual({});
    expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-remaining': '4' })).toStrictEqual({ remaining: 4 });
    expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-max': '9' })).toStrictEqual({ max: 9 });
    expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-interval-milliseconds': '1000' })).toStrictEqual({ intervalMs: 1000 });
  });

  it('a value is whole decimal digits, surrounding spaces allowed', () => {
    expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-max': ' 190 ' })).toStrictEqual({ max: 190 });
    for (const junk of ['190abc', 'abc190', 'x190', '190x', '1 90', '-1', '1.5', '']) {
      expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-max': junk }), junk).toStrictEqual({});
    }
  });

  it('a repeated header is read from its first value', () => {
    expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-remaining': ['3', '7'] })).toStrictEqual({ remaining: 3 });
  });
});

describe('createPacer: what teaches it a limit', () => {
  it('needs both a positive Max and a positive Interval', async () => {
    for (const snapshot of [
      { remaining: 0, intervalMs: 1000 },
      { max: 1, remaining: 0 },
      { max: 0, remaining: 0, intervalMs: 1000 },
      { max: 1, remaining: 0, intervalMs: 0 },
    ]) {
      const clock = steppedClock();
      const pacer = createPacer(clock);
      const first = await pacer.acquire();
      pacer.observe(snapshot, first.startedAt);
      await startMany(pacer, 5);
      expect(clock.sleeps, JSON.stringify(snapshot)).toEqual([]);
    }
  });

  it('a Remaining without any known limit neither waits nor throws', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    expect(() => pacer.observe({ remaining: 0 }, first.startedAt)).not.toThrow();
    await startMany(pacer, 3);
    expect(clock.sleeps).toEqual([]);
  });

  it('a later answer without headers keeps the limit already learned', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 2, remaining: 1, intervalMs: 1000 }, first.startedAt);
    const second = await pacer.acquire();
    pacer.observe({}, second.startedAt);
    const third = await pacer.acquire();
    // Two starts at 0 fill the 1000 ms (+50 ms margin) window.
    expect(third.startedAt).toBe(1050);
  });
});

describe('createPacer: the window', () => {
  it('never allows more than max starts in any window of interval + margin', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 2, intervalMs: 2000 }, first.startedAt);
    const starts = [first.startedAt, ...(await startMany(pacer, 11))];
    // Margin: 5% of 2000 ms = 100 ms (more than the 50 ms floor).
    const window = 2100;
    for (const start of starts) {
      expect(starts.filter((t) => t >= start && t < start + window).length).toBeLessThanOrEqual(3);
    }
    // ...and uses the burst in full: a new group of 3 every window.
    expect(starts).toEqual([0, 0, 0, 2100, 2100, 2100, 4200, 4200, 4200, 6300, 6300, 6300]);
  });

  it('a ticket says how long it was held back', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 1, remaining: 0, intervalMs: 1000 }, first.startedAt);
    clock.set(400);
    expect(await pacer.acquire()).toEqual({ startedAt: 1050, waitedMs: 650 });
  });

  it('a long interval is honoured up to a window of 60 s, the longest any wait may be', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    // 40 s interval + 2 s margin: starts 42 s old still hold their slots.
    pacer.observe({ max: 2, remaining: 1, intervalMs: 40_000 }, first.startedAt);
    await pacer.acquire();
    clock.set(30_000);
    expect((await pacer.acquire()).startedAt).toBe(42_000);

    const capped = createPacer(clock);
    const start = await capped.acquire();
    // 100 s interval + 5 s margin would hold the next start until 105 s.
    capped.observe({ max: 1, remaining: 0, intervalMs: 100_000 }, start.startedAt);
    expect((await capped.acquire()).startedAt - start.startedAt).toBe(MAX_WAIT_MS);
  });

  it('a hostile interval (a day, or more than a timer holds) stalls no start longer than 60 s', async () => {
    for (const intervalMs of [86_400_000, 99_999_999_999_999]) {
      const clock = steppedClock();
      const pacer = createPacer(clock);
      const first = await pacer.acquire();
      pacer.observe({ max: 100, remaining: 0, intervalMs }, first.startedAt);
      const next = await pacer.acquire();
      expect(next.waitedMs).toBeLessThanOrEqual(MAX_WAIT_MS);
      expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(MAX_WAIT_MS);
    }
  });

  it('starts older than the window no longer hold a slot', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 2, remaining: 1, intervalMs: 1000 }, first.startedAt);
    await pacer.acquire();
    clock.set(5000);
    expect(await startMany(pacer, 2)).toEqual([5000, 5000]);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('createPacer: the server’s Remaining', () => {
  it('an exhausted burst reported for a fresh request holds the next start for a window, even after earlier bursts', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 2, intervalMs: 1000 }, first.startedAt);
    await startMany(pacer, 2);
    // A window later our own burst has left it; someone else then used the rest.
    clock.set(1100);
    const fresh = await pacer.acquire();
    expect(fresh.startedAt).toBe(1100);
    pacer.observe({ max: 3, remaining: 0, intervalMs: 1000 }, fresh.startedAt);
    expect((await pacer.acquire()).startedAt).toBe(1100 + 1050);
  });

  it('a start a full window before the answered request is not among what its Remaining counts', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 2, intervalMs: 1000 }, first.startedAt);
    clock.set(1050);
    const fresh = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 0, intervalMs: 1000 }, fresh.startedAt);
    // The server counted 3 in its window, and our start at 0 is not one of them.
    expect((await pacer.acquire()).startedAt).toBe(2100);
  });

  it('an answer older than a window says nothing about the current one', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 2, intervalMs: 1000 }, first.startedAt);
    clock.set(1051);
    pacer.observe({ max: 3, remaining: 0, intervalMs: 1000 }, first.startedAt);
    expect(await startMany(pacer, 3)).toEqual([1051, 1051, 1051]);
  });

  it('an answer up to a window old is still honoured', async () => {
    const clock = steppedClock(10_000);
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 2, intervalMs: 1000 }, first.startedAt);
    clock.set(11_050);
    pacer.observe({ max: 3, remaining: 0, intervalMs: 1000 }, first.startedAt);
    // The server has counted 3; only our own start has left the window.
    expect(await startMany(pacer, 2)).toEqual([11_050, 12_100]);
  });

  it('a Remaining above our own count does not free slots we used', async () => {
    const clock = steppedClock();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 2, remaining: 1, intervalMs: 1000 }, first.startedAt);
    const second = await pacer.acquire();
    pacer.observe({ max: 2, remaining: 50, intervalMs: 1000 }, second.startedAt);
    expect((await pacer.acquire()).startedAt).toBe(1050);
  });
});
