import type { ErrorObject } from 'ajv';
import validateResponse from '../generated/webhook-response-validator.js';
import type { WebhookNumber } from '../plan/model.js';

/** The body a channel-connection webhook answers (schemas/webhook-response.schema.json). */
export interface WebhookResponseJson {
  phoneNumbers: WebhookNumber[];
}

export type ResponseValidation = { ok: true; value: WebhookResponseJson } | { ok: false; errors: string[] };

/** At most this many schema errors are reported; the rest are counted. */
const MAX_REPORTED_ERRORS = 5;

/**
 * Checks a parsed body against the webhook response schema (compiled ahead
 * of time by scripts/build-validators.mjs). Errors read like
 * `phoneNumbers[2].friendlyName: must NOT have more than 24 characters`.
 */
export function validateWebhookResponse(data: unknown): ResponseValidation {
  if (validateResponse(data)) return { ok: true, value: data as WebhookResponseJson };
  const all = validateResponse.errors ?? [];
  const errors = all.slice(0, MAX_REPORTED_ERRORS).map(describeError);
  if (all.length > MAX_REPORTED_ERRORS) errors.push(`… and ${all.length - MAX_REPORTED_ERRORS} more`);
  return { ok: false, errors };
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  const extra =
    error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return `${path === '' ? '(root)' : path}: ${error.message ?? error.keyword}${extra}`;
}
