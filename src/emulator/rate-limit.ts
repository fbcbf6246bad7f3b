// HubSpot's burst limit: a rolling window per credential (e.g. 100 or 190
// requests per 10 s), reported in X-HubSpot-RateLimit-* headers. Pure and
// light (a type import only), so the CLI can parse `--rate-limit` without loading the server.
import type { RateLimitSpec } from '../commands/options.js';

/** HubSpot's default burst limit for an app: 100 requests per rolling 10 s. */
export const HUBSPOT_DEFAULT_RATE_LIMIT: RateLimitSpec = { max: 100, intervalMs: 10_000 };

/**
 * Parses a `--rate-limit` value: `N/INTERVAL_MS` (e.g. `100/10000`) or
 * `none`. Returns the problem as text for the CLI to report.
 */
export function parseRateLimitOption(text: string): { ok: true; value: RateLimitSpec | 'none' } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return { ok: true, value: 'none' };
  const match = /^(\d+)\/(\d+)$/.exec(trimmed);
  if (match === null) return { ok: false, problem: `expected N/INTERVAL_MS such as 100/10000, or none; got "${text}".` };
  const max = Number(match[1]);
  const intervalMs = Number(match[2]);
  if (max < 1 || intervalMs < 1) return { ok: false, problem: 'both the limit and the interval must be positive.' };
  return { ok: true, value: { max, intervalMs } };
}

/** What the limiter says about one request. */
export interface RateLimitVerdict {
  allowed: boolean;
  max: number;
  /** Requests still allowed in the current window, after this one. */
  remaining: number;
  intervalMs: number;
  /** When refused: whole seconds until a slot frees up (≥ 1). */
  retryAfterSeconds: number;
}

/** Accepted-request times of one credential, oldest first (a queue with a moving head). */
interface Window {
  times: number[];
  head: number;
}

/**
 * A rolling-window limiter: at most `max` accepted requests per credential in
 * any `intervalMs`. Refused requests are not recorded, as at HubSpot.
 */
export class RollingRateLimiter {
  readonly max: number;
  readonly intervalMs: number;
  readonly #windows = new Map<string, Window>();

  /** Preconditions: `max` ≥ 1, `intervalMs` ≥ 1. */
  constructor(max: number, intervalMs: number) {
    this.max = max;
    this.intervalMs = intervalMs;
  }

  /** Records a request at `now` (epoch ms) if the window has room. */
  take(key: string, now: number): RateLimitVerdict {
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = { times: [], head: 0 };
      this.#windows.set(key, window);
    }
    this.#prune(window, now);
    const used = window.times.length - window.head;
    if (used >= this.max) {
      const oldest = window.times[window.head] ?? now;
      const waitMs = oldest + this.intervalMs - now;
      return this.#verdict(false, 0, Math.max(1, Math.ceil(waitMs / 1000)));
    }
    window.times.push(now);
    return this.#verdict(true, this.max - used - 1, 0);
  }

  /** The window's state without recording anything (for responses that don't count). */
  peek(key: string, now: number): RateLimitVerdict {
    // No window is created here: unknown (e.g. rejected) credentials must not take memory.
    const window = this.#windows.get(key);
    if (window === undefined) return this.#verdict(true, this.max, 0);
    this.#prune(window, now);
    return this.#verdict(true, Math.max(0, this.max - (window.times.length - window.head)), 0);
  }

  clear(): void {
    this.#windows.clear();
  }

  #verdict(allowed: boolean, remaining: number, retryAfterSeconds: number): RateLimitVerdict {
    return { allowed, max: this.max, remaining, intervalMs: this.intervalMs, retryAfterSeconds };
  }

  #prune(window: Window, now: number): void {
    const cutoff = now - this.intervalMs;
    while (window.head < window.times.length && (window.times[window.head] ?? now) <= cutoff) window.head += 1;
    // Compact now and then so the array doesn't grow for ever.
    if (window.head > 1024 && window.head * 2 > window.times.length) {
      window.times = window.times.slice(window.head);
      window.head = 0;
    }
  }
}
