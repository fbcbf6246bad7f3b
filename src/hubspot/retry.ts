import type { RateLimitSnapshot } from './pacer.js';

/** At most 5 retries per request (DESIGN.md "Retries"). */
export const MAX_ATTEMPTS = 6;
/** No single wait is longer than this, whatever the server asks (ms). */
export const MAX_WAIT_MS = 60_000;
/** First backoff ceiling (ms); doubles per retry up to BACKOFF_CAP_MS. */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;

// Connection failures worth another try: the server or a proxy dropped the
// connection, or it was briefly unreachable. ENOTFOUND (a wrong host) is not.
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * True for a connection-level error code worth retrying (reset, refused,
 * broken pipe, timeout), and for an answer Node's HTTP parser rejected
 * (`HPE_…`): the server got the request, so a write's outcome is unknown.
 */
export function isRetryableNetworkCode(code: string): boolean {
  return RETRYABLE_NETWORK_CODES.has(code) || isUnreadableAnswerCode(code);
}

/** An `HPE_…` code: an answer came, but it is not valid HTTP. */
export function isUnreadableAnswerCode(code: string): boolean {
  return code.startsWith('HPE_');
}

/**
 * True for an HTTP status worth retrying: 429 (unless its policy is DAILY,
 * checked by the caller) and 5xx. 400/401/403/404/409 never are.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

// RFC 9110's three HTTP-date forms: IMF-fixdate, the obsolete RFC 850 form
// and asctime. Date.parse alone reads far more ("+3" and "-1" are dates in
// 2001 to V8), which turned a garbled header into a retry with no wait.
// asctime names no zone and means UTC; Date.parse would read it as local time.
const HTTP_DATE: ReadonlyArray<{ form: RegExp; zone: string }> = [
  { form: /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/, zone: '' },
  { form: /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/, zone: '' },
  { form: /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/, zone: ' GMT' },
];

/**
 * Parses `Retry-After` (delta seconds or an HTTP-date) into milliseconds from
 * `nowMs`; a date in the past is 0. Undefined when absent or unreadable, so
 * the caller falls back to backoff.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = HTTP_DATE.find(({ form }) => form.test(text));
  if (date === undefined) return undefined;
  const at = Date.parse(`${text}${date.zone}`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Capped exponential backoff with full jitter: uniform in
 * [0, min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2^(retry-1))).
 *
 * @param retry 1 for the first retry.
 * @param random uniform in [0, 1).
 */
export function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** How long to wait before a retry, and why (for the log). */
export interface RetryWait {
  ms: number;
  basis: 'Retry-After' | 'rate-limit interval' | 'backoff';
}

/**
 * The wait before retry number `retry`: `Retry-After` wins when present;
 * otherwise `X-HubSpot-RateLimit-Remaining: 0` waits out
 * `-Interval-Milliseconds`; otherwise backoff. Never over MAX_WAIT_MS.
 */
export function retryWait(input: {
  retry: number;
  retryAfter: string | undefined;
  rateLimit: RateLimitSnapshot;
  now: number;
  random: () => number;
}): RetryWait {
  const retryAfter = parseRetryAfter(input.retryAfter, input.now);
  if (retryAfter !== undefined) return { ms: Math.min(MAX_WAIT_MS, retryAfter), basis: 'Retry-After' };
  const { remaining, intervalMs } = input.rateLimit;
  if (remaining === 0 && intervalMs !== undefined) return { ms: Math.min(MAX_WAIT_MS, intervalMs), basis: 'rate-limit interval' };
  return { ms: Math.min(MAX_WAIT_MS, backoffMs(input.retry, input.random)), basis: 'backoff' };
}
