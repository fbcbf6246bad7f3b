import { MAX_WAIT_MS } from './retry.js';

/** The `X-HubSpot-RateLimit-*` values of one response; absent headers stay undefined. */
export interface RateLimitSnapshot {
  /** Requests allowed per interval (`X-HubSpot-RateLimit-Max`). */
  max?: number;
  /** Requests left in the current interval (`X-HubSpot-RateLimit-Remaining`). */
  remaining?: number;
  /** The rolling interval, milliseconds (`X-HubSpot-RateLimit-Interval-Milliseconds`). */
  intervalMs?: number;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Reads HubSpot's burst-limit headers (names lower-cased, as Node gives them). */
export function readRateLimitHeaders(headers: Headers): RateLimitSnapshot {
  const snapshot: RateLimitSnapshot = {};
  const max = headerInt(headers, 'x-hubspot-ratelimit-max');
  const remaining = headerInt(headers, 'x-hubspot-ratelimit-remaining');
  const intervalMs = headerInt(headers, 'x-hubspot-ratelimit-interval-milliseconds');
  if (max !== undefined) snapshot.max = max;
  if (remaining !== undefined) snapshot.remaining = remaining;
  if (intervalMs !== undefined) snapshot.intervalMs = intervalMs;
  return snapshot;
}

function headerInt(headers: Headers, name: string): number | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** The clock a pacer waits on; `sleep` must advance what `now` returns. */
export interface PacerClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A granted start: when it began and how long the pacer held it back (ms). */
export interface PacerTicket {
  startedAt: number;
  waitedMs: number;
}

/** Client-side mirror of HubSpot's rolling burst window, shared by all requests of one client. */
export interface Pacer {
  /**
   * Resolves when one more request may start without exceeding the learned
   * limit, and records that start. Callers are served first come, first served.
   * Once `signal` aborted, a start that would have to wait is refused
   * (rejects) instead: after an interrupt nothing waits for its turn.
   */
  acquire(signal?: AbortSignal): Promise<PacerTicket>;
  /**
   * Learns from the headers of the response to the request started at
   * `startedAt` (a ticket's value).
   */
  observe(snapshot: RateLimitSnapshot, startedAt: number): void;
  /**
   * The request started at `startedAt` got its answer: from now on its slot
   * counts from this moment. The server counted it on arrival, somewhere
   * between the start and the answer, so counting from the answer can never
   * let one of the server's windows hold more than the limit, however late
   * a loaded machine or network delivered it. Call once per answered ticket.
   */
  answered(startedAt: number): void;
}

// Safety margin on top of the server's interval: the server counts a request
// when it arrives, a little after we start it, and arrival delays vary; a
// slightly longer client window keeps every server window under the limit.
const MIN_MARGIN_MS = 50;
const MARGIN_FRACTION = 0.05;
// Before any limit is known, starts are kept this long so the first burst
// still counts once the headers arrive (HubSpot's interval is 10 s).
const UNKNOWN_LIMIT_RETENTION_MS = 60_000;
// The largest limit taken from headers, in requests per window: HubSpot's are
// 100–250 per 10 s. Each request the server counted is one kept start, so a
// hostile `-Max: 1000000000` with `-Remaining: 0` would fill memory.
export const MAX_TRACKED_LIMIT = 10_000;

/**
 * Creates a pacer. With no rate-limit headers seen it never waits. Once a
 * response carried `-Max` and `-Interval-Milliseconds`, it allows at most
 * `max` starts in any window of that interval plus a margin (5%, at least
 * 50 ms; the window at most MAX_WAIT_MS), so a burst is used in full but
 * never exceeded. A `-Remaining` lower than our own count (another process
 * using the same app, or a previous run) is honoured by counting the
 * difference as requests made just now.
 */
export function createPacer(clock: PacerClock): Pacer {
  let limit: { max: number; intervalMs: number } | undefined;
  const starts = createStartLog();
  let queue: Promise<unknown> = Promise.resolve();

  // Capped like every other wait: a hostile or mistaken interval (a day, or
  // more than a timer can hold) must not stall the run. HubSpot's is 10 s; past
  // the cap the server may refuse a start with 429, which is retried.
  const windowMs = (intervalMs: number) => Math.min(MAX_WAIT_MS, intervalMs + Math.max(MIN_MARGIN_MS, Math.ceil(intervalMs * MARGIN_FRACTION)));

  /** Milliseconds until a start at `now` is allowed (0: now). */
  const delayAt = (now: number): number => {
    // Keep two windows: observe() reconciles against starts up to one window old.
    const keep = limit === undefined ? UNKNOWN_LIMIT_RETENTION_MS : 2 * windowMs(limit.intervalMs);
    starts.dropUpTo(now - keep);
    if (limit === undefined) return 0;
    const window = windowMs(limit.intervalMs);
    const recent = starts.countAfter(now - window);
    if (recent < limit.max) return 0;
    // The start that must leave the window before one more fits.
    const blocking = starts.nthFromEnd(limit.max);
    return Math.max(1, blocking + window - now);
  };

  const waitForSlot = async (signal: AbortSignal | undefined): Promise<PacerTicket> => {
    const first = clock.now();
    for (;;) {
      const now = clock.now();
      const delay = delayAt(now);
      if (delay === 0) {
        starts.add(now);
        return { startedAt: now, waitedMs: now - first };
      }
      if (signal?.aborted === true) throw new Error('interrupted while waiting for the rate limit');
      await clock.sleep(delay, signal);
    }
  };

  return {
    acquire(signal) {
      const turn = queue.then(() => waitForSlot(signal));
      queue = turn.catch(() => undefined);
      return turn;
    },
    observe(snapshot, startedAt) {
      if (snapshot.max !== undefined && snapshot.max > 0 && snapshot.intervalMs !== undefined && snapshot.intervalMs > 0) {
        limit = { max: Math.min(snapshot.max, MAX_TRACKED_LIMIT), intervalMs: snapshot.intervalMs };
      }
      if (limit === undefined || snapshot.remaining === undefined) return;
      const now = clock.now();
      const window = windowMs(limit.intervalMs);
      // An answer older than a window says nothing about the current one.
      if (now - startedAt > window) return;
      const usedByServer = limit.max - Math.min(snapshot.remaining, limit.max);
      // Everything we started that the server can have counted by now.
      const known = starts.countAfter(startedAt - window);
      for (let i = known; i < usedByServer; i++) starts.add(now);
    },
    answered(startedAt) {
      if (starts.remove(startedAt)) starts.add(clock.now());
    },
  };
}

/**
 * The start times a pacer remembers, kept sorted so that every question it
 * asks per request is a binary search rather than a scan and sort of the
 * whole window (a fleet run keeps hundreds of starts in two windows).
 */
export interface StartLog {
  /** Records a start (any order; usually the latest). */
  add(t: number): void;
  /** Forgets every start at or before `t`. */
  dropUpTo(t: number): void;
  /** Forgets one start at exactly `t`; false when none is kept. */
  remove(t: number): boolean;
  /** How many starts are later than `t`. */
  countAfter(t: number): number;
  /** The `n`-th latest start (1: the latest). Precondition: 1 ≤ n ≤ the number kept. */
  nthFromEnd(n: number): number;
}

export function createStartLog(): StartLog {
  let times: number[] = [];
  // times[head…] are kept; the forgotten prefix is cut off now and then, not per start.
  let head = 0;
  /** The first index at or after head whose time is later than `t` (`orAt`: or equal to it). */
  const firstAfter = (t: number, orAt = false): number => {
    let low = head;
    let high = times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const time = times[middle] as number;
      if (time < t || (time === t && !orAt)) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    add(t) {
      if (times.length === head || (times[times.length - 1] as number) <= t) times.push(t);
      else times.splice(firstAfter(t), 0, t);
    },
    dropUpTo(t) {
      if (head === times.length || (times[head] as number) > t) return;
      head = firstAfter(t);
      if (head > 1024 && head * 2 > times.length) {
        times = times.slice(head);
        head = 0;
      }
    },
    remove(t) {
      const at = firstAfter(t, true);
      if (at === times.length || times[at] !== t) return false;
      times.splice(at, 1);
      return true;
    },
    countAfter: (t) => times.length - firstAfter(t),
    nthFromEnd: (n) => times[times.length - n] as number,
  };
}
