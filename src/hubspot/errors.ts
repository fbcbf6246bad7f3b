import { escapeControlCharacters } from '../control-characters.js';
import { UserError } from '../errors.js';
import { isRecord } from '../is-record.js';
import type { ResourceName } from '../resources/index.js';

/** The HTTP methods hscc sends to the settings endpoint. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What is known about one failed call, every string already redacted. */
export interface HubSpotErrorDetails {
  appId: number;
  /** The resource called; absent only for errors not tied to one. */
  resource?: ResourceName;
  method: HttpMethod;
  /** HTTP status of the last answer; undefined when no answer came (timeout, reset). */
  status?: number;
  /** HubSpot's error `category`, e.g. `INVALID_AUTHENTICATION`. */
  category?: string;
  correlationId?: string;
  /** Requests sent for this call, retries included (0 when not attempted). */
  attempts: number;
  hint?: string;
  /**
   * Set when nothing was sent, saying why: the host had already failed too
   * often in a row, or HubSpot had refused, for another call, the credential
   * (401) or its reads or writes (403 MISSING_SCOPES).
   */
  notAttempted?: string;
  /**
   * True when running again may succeed without changing anything: timeouts,
   * resets, a cut-off answer, 5xx, 429, not attempted. False for 4xx refusals
   * (400/401/403/404, VALIDATION_ERROR) and answers hscc cannot use.
   */
  rerunnable: boolean;
}

/**
 * A HubSpot call that failed, after any retries. Built only from redacted
 * parts and never given a `cause`, so no secret can reach its message,
 * stack, properties or JSON form.
 */
export class HubSpotError extends UserError {
  override readonly name: string = 'HubSpotError';
  readonly appId: number;
  readonly resource: ResourceName | undefined;
  readonly method: HttpMethod;
  readonly status: number | undefined;
  readonly category: string | undefined;
  readonly attempts: number;
  /** Why nothing was sent for this call, when nothing was; see HubSpotErrorDetails. */
  readonly notAttempted: string | undefined;
  /** A rerun may succeed as is ("Run apply again" is said only then). */
  readonly rerunnable: boolean;

  constructor(message: string, details: HubSpotErrorDetails) {
    const options: { hint?: string; correlationId?: string } = {};
    if (details.hint !== undefined) options.hint = details.hint;
    if (details.correlationId !== undefined) options.correlationId = details.correlationId;
    super(message, options);
    this.appId = details.appId;
    this.resource = details.resource;
    this.method = details.method;
    this.status = details.status;
    this.category = details.category;
    this.attempts = details.attempts;
    this.notAttempted = details.notAttempted;
    this.rerunnable = details.rerunnable;
  }
}

/** The parts of HubSpot's error body `{status, message, correlationId, category, errors?}` hscc shows. */
export interface HubSpotErrorBody {
  message?: string;
  category?: string;
  subCategory?: string;
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
  // Server text reaches terminals and step summaries: no raw escape sequences or line breaks.
  const clean = (value: string): string => escapeControlCharacters(scrub(value));
  const field = (name: string): string | undefined => {
    const value = parsed[name];
    return typeof value === 'string' && value !== '' ? clean(value) : undefined;
  };
  const message = field('message');
  const category = field('category');
  const subCategory = field('subCategory');
  const correlationId = field('correlationId');
  const policyName = field('policyName');
  if (message !== undefined) body.message = message;
  if (category !== undefined) body.category = category;
  if (subCategory !== undefined) body.subCategory = subCategory;
  if (correlationId !== undefined) body.correlationId = correlationId;
  if (policyName !== undefined) body.policyName = policyName;
  const nested = parsed.errors;
  if (Array.isArray(nested)) {
    for (const entry of nested) {
      if (isRecord(entry) && typeof entry.message === 'string' && entry.message !== message) {
        body.details.push(clean(entry.message));
      }
    }
  }
  return body;
}

/**
 * True for HubSpot's own error shape: a JSON object with `status`, a string
 * `message` and a string `correlationId`. Only a 404 of this shape means
 * "does not exist"; any other 404 comes from a wrong host, prefix or proxy.
 */
export function isHubSpotErrorShape(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return (
    isRecord(parsed) &&
    (typeof parsed.status === 'string' || typeof parsed.status === 'number') &&
    typeof parsed.message === 'string' &&
    typeof parsed.correlationId === 'string'
  );
}
