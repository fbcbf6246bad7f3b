import { UserError } from '../errors.js';
import { isRecord } from '../is-record.js';

/** The HTTP methods hscc sends to the settings endpoint. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What is known about one failed call, every string already redacted. */
export interface HubSpotErrorDetails {
  appId: number;
  method: HttpMethod;
  /** HTTP status of the last answer; undefined when no answer came (timeout, reset). */
  status?: number;
  /** HubSpot's error `category`, e.g. `INVALID_AUTHENTICATION`. */
  category?: string;
  correlationId?: string;
  /** Requests sent for this call, retries included. */
  attempts: number;
  hint?: string;
}

/**
 * A HubSpot call that failed, after any retries. Built only from redacted
 * parts and never given a `cause`, so no secret can reach its message,
 * stack, properties or JSON form.
 */
export class HubSpotError extends UserError {
  override readonly name: string = 'HubSpotError';
  readonly appId: number;
  readonly method: HttpMethod;
  readonly status: number | undefined;
  readonly category: string | undefined;
  readonly attempts: number;

  constructor(message: string, details: HubSpotErrorDetails) {
    const options: { hint?: string; correlationId?: string } = {};
    if (details.hint !== undefined) options.hint = details.hint;
    if (details.correlationId !== undefined) options.correlationId = details.correlationId;
    super(message, options);
    this.appId = details.appId;
    this.method = details.method;
    this.status = details.status;
    this.category = details.category;
    this.attempts = details.attempts;
  }
}

/** The parts of HubSpot's error body `{status, message, correlationId, category, errors?}` hscc shows. */
export interface HubSpotErrorBody {
  message?: string;
  category?: string;
  correlationId?: string;
  /** Present on 429s: `TEN_SECONDLY_ROLLING` (retry) or `DAILY` (stop). */
  policyName?: string;
  /** Messages of the nested `errors` entries, e.g. per-field validation. */
  details: string[];
}

/**
 * Reads a HubSpot error body, redacting every string with `scrub` before it
 * is kept. Returns an empty record when the body is not a JSON object.
 */
export function readErrorBody(text: string, scrub: (text: string) => string): HubSpotErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { details: [] };
  }
  if (!isRecord(parsed)) return { details: [] };
  const body: HubSpotErrorBody = { details: [] };
  const field = (name: string): string | undefined => {
    const value = parsed[name];
    return typeof value === 'string' && value !== '' ? scrub(value) : undefined;
  };
  const message = field('message');
  const category = field('category');
  const correlationId = field('correlationId');
  const policyName = field('policyName');
  if (message !== undefined) body.message = message;
  if (category !== undefined) body.category = category;
  if (correlationId !== undefined) body.correlationId = correlationId;
  if (policyName !== undefined) body.policyName = policyName;
  const nested = parsed.errors;
  if (Array.isArray(nested)) {
    for (const entry of nested) {
      if (isRecord(entry) && typeof entry.message === 'string' && entry.message !== message) {
        body.details.push(scrub(entry.message));
      }
    }
  }
  return body;
}
