import { describe, expect, it } from 'vitest';
import { createPacer, MAX_TRACKED_LIMIT, readRateLimitHeaders } from '../../../src/hubspot/pacer.js';

/** A discrete-event clock: sleep() parks until run() advances time to it. */
function fakeTimers() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const sleeps: number[] = [];
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number, signal?: AbortSignal) => {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        timers.push({ at: now + ms, resolve });
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    },
    /** Advances time timer by timer until `done` settles. */
    async run<T>(done: Promise<T>): Promise<T> {
      let settled = false;
      void done.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (;;) {
        await flush();
        if (settled) return done;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (next === undefined) throw new Error('deadlock: nothing to wait for');
        now = Math.max(now, next.at);
        next.resolve();
      }
    },
  };
}

describe('readRateLimitHeaders', () => {
  it('reads the three burst headers and ignores junk', () => {
    expect(
      readRateLimitHeaders({
        'x-hubspot-ratelimit-max': '190',
        'x-hubspot-ratelimit-remaining': '189',
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
      }),
    ).toEqual({ max: 190, remaining: 189, intervalMs: 10_000 });
    expect(readRateLimitHeaders({ 'x-hubspot-ratelimit-max': 'lots' })).toEqual({});
  });
});

describe('createPacer', () => {
  it('never waits while no rate-limit headers were seen', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    for (let i = 0; i < 500; i++) {
      const ticket = await pacer.acquire();
      pacer.observe({}, ticket.startedAt);
    }
    expect(clock.sleeps).toEqual([]);
  });

  it('allows max starts per interval plus margin, counting starts made before the limit was known', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 3, remaining: 2, intervalMs: 1000 }, first.startedAt);
    await pacer.acquire();
    await pacer.acquire();
    expect(clock.sleeps).toEqual([]);
    const fourth = await clock.run(pacer.acquire());
    // 1000 ms interval + 50 ms margin after the first start.
    expect(fourth).toEqual({ startedAt: 1050, waitedMs: 1050 });
  });

  it('counts an answered request from its answer: a late arrival can never overfill a server window', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const first = await pacer.acquire();
    pacer.observe({ max: 1, remaining: 0, intervalMs: 1000 }, first.startedAt);
    // The answer comes 400 ms after the start: the server may have counted the request as late as that.
    await clock.run(clock.sleep(400));
    pacer.answered(first.startedAt);
    pacer.answered(first.startedAt); // once per ticket: a second call changes nothing
    const second = await clock.run(pacer.acquire());
    // The slot frees one window (1000 ms + 50 ms margin) after the answer, not after the start.
    expect(second.startedAt).toBe(400 + 1050);
  });

  it('counts a lower server Remaining (someone else used the burst) as requests made now', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const ticket = await pacer.acquire();
    pacer.observe({ max: 100, remaining: 0, intervalMs: 10_000 }, ticket.startedAt);
    const next = await clock.run(pacer.acquire());
    // 10 000 ms + 5 % margin.
    expect(next.startedAt).toBe(10_500);
  });

  it('takes a hostile -Max as at most MAX_TRACKED_LIMIT: -Max 1,000,000,000 with -Remaining 0 keeps 10,000 starts, not a billion', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const ticket = await pacer.acquire();
    // Filling a start per request the server counted would abort V8 at about 169 million.
    pacer.observe({ max: 1_000_000_000, remaining: 0, intervalMs: 10_000 }, ticket.startedAt);
    const next = await clock.run(pacer.acquire());
    expect(next.startedAt).toBe(10_500);
    // The window holds MAX_TRACKED_LIMIT starts: that many more go at once.
    const burst = await Promise.all(Array.from({ length: MAX_TRACKED_LIMIT - 1 }, () => pacer.acquire()));
    expect(burst.every((t) => t.startedAt === 10_500)).toBe(true);
    expect((await clock.run(pacer.acquire())).startedAt).toBeGreaterThan(10_500);
  });

  it('once the signal aborted, a start that would wait is refused at once; one that need not wait still goes', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const interrupt = new AbortController();
    const ticket = await pacer.acquire(interrupt.signal);
    pacer.observe({ max: 2, remaining: 1, intervalMs: 10_000 }, ticket.startedAt);
    await expect(pacer.acquire(interrupt.signal)).resolves.toMatchObject({ waitedMs: 0 });
    // The window is full: this one waits, until the signal.
    const waiting = pacer.acquire(interrupt.signal);
    await new Promise((resolve) => setImmediate(resolve));
    interrupt.abort();
    await expect(waiting).rejects.toThrow();
    await expect(pacer.acquire(interrupt.signal)).rejects.toThrow(/interrupted while waiting/);
    expect(clock.now()).toBe(0);
  });

  it('serves waiting callers first come, first served', async () => {
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const seed = await pacer.acquire();
    pacer.observe({ max: 2, remaining: 1, intervalMs: 1000 }, seed.startedAt);
    const order: number[] = [];
    const all = Promise.all([1, 2, 3, 4].map((n) => pacer.acquire().then((t) => order.push(n) && t.startedAt)));
    const starts = await clock.run(all);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(starts).toEqual([0, 1050, 1050, 2100]);
  });

  it('keeps a fleet run under a rolling server limit without wasting the burst', async () => {
    // The benchmark's shape: 1,000 GETs, 10 in flight, a server allowing
    // 100 accepted requests per rolling 1000 ms, 50 ms latency.
    const clock = fakeTimers();
    const pacer = createPacer(clock);
    const LIMIT = 100;
    const INTERVAL = 1000;
    const accepted: number[] = [];
    let rejected = 0;
    let next = 0;
    const server = (arrival: number) => {
      const inWindow = accepted.filter((t) => t > arrival - INTERVAL).length;
      const ok = inWindow < LIMIT;
      if (ok) accepted.push(arrival);
      else rejected++;
      return { max: LIMIT, intervalMs: INTERVAL, remaining: Math.max(0, LIMIT - inWindow - (ok ? 1 : 0)) };
    };
    const worker = async () => {
      while (next < 1000) {
        next++;
        const ticket = await pacer.acquire();
        // Arrival varies by up to 20 ms after the start; the answer comes at 50 ms.
        await clock.sleep(5 + (next % 4) * 5);
        const snapshot = server(clock.now());
        await clock.sleep(50 - (5 + (next % 4) * 5));
        pacer.observe(snapshot, ticket.startedAt);
      }
    };
    await clock.run(Promise.all(Array.from({ length: 10 }, worker)));
    expect(rejected).toBe(0);
    expect(accepted).toHaveLength(1000);
    // The floor is 9 full windows after the first burst: 9 s; allow the margin.
    expect(clock.now()).toBeGreaterThanOrEqual(9000);
    expect(clock.now()).toBeLessThanOrEqual(10_000);
  });
});
