import type { ErrorObject } from 'ajv';
import validateResponse from '../generated/webhook-response-validator.js';
import { escapeControlCharacters } from '../control-characters.js';

/**
 * A number as the webhook answers it (after HubSpot's truncation rule).
 * The same shape as the plan model's WebhookNumber, declared here so the
 * library's types stand alone.
 */
export interface WebhookPhoneNumber {
  e164PhoneNumber: string;
  extension?: string;
  friendlyName: string;
}

/** The body a channel-connection webhook answers (schemas/webhook-response.schema.json). */
export interface WebhookResponseJson {
  phoneNumbers: WebhookPhoneNumber[];
}

/** `firstIndex`: the position in `phoneNumbers` of the first refused number, when the error is in one. */
export type ResponseValidation = { ok: true; value: WebhookResponseJson } | { ok: false; errors: string[]; firstIndex?: number };

/** At most this many schema errors are reported; the rest are counted. */
const MAX_REPORTED_ERRORS = 5;

/**
 * Checks a parsed body against the webhook response schema (compiled ahead
 * of time by scripts/generate.mjs). Errors read like
 * `phoneNumbers[2].friendlyName: must NOT have more than 24 characters`.
 */
export function validateWebhookResponse(data: unknown): ResponseValidation {
  if (validateResponse(data)) return { ok: true, value: data as WebhookResponseJson };
  const all = validateResponse.errors ?? [];
  const errors = all.slice(0, MAX_REPORTED_ERRORS).map(describeError);
  if (all.length > MAX_REPORTED_ERRORS) errors.push(`… and ${all.length - MAX_REPORTED_ERRORS} more`);
  const item = /^\/phoneNumbers\/(\d+)/.exec(all[0]?.instancePath ?? '');
  return item === null ? { ok: false, errors } : { ok: false, errors, firstIndex: Number(item[1]) };
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  const extra =
    error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  // Paths and property names come from the webhook's answer.
  return escapeControlCharacters(`${path === '' ? '(root)' : path}: ${error.message ?? error.keyword}${extra}`);
}
