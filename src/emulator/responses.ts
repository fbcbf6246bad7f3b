// HubSpot-shaped error bodies: `{status: "error", message, correlationId,
// category, errors?}`, plus the rate-limit fields of a 429.
import { randomUUID } from 'node:crypto';
import type { FieldErrorJson } from './validation.js';

/** A HubSpot error response body. */
export interface HubSpotErrorJson {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  errors?: FieldErrorJson[];
  errorType?: string;
  policyName?: string;
}

/** Builds an error body with a fresh correlationId. */
export function errorBody(category: string, message: string, errors?: FieldErrorJson[]): HubSpotErrorJson {
  const body: HubSpotErrorJson = { status: 'error', message, correlationId: randomUUID(), category };
  if (errors !== undefined) body.errors = errors;
  return body;
}

/**
 * HubSpot's 403 for a token without a scope the call needs: `errors[0].context`
 * names the scopes, e.g. `developers-write` for a write with a read-only token.
 */
export function missingScopesBody(scopes: readonly string[]): HubSpotErrorJson {
  return errorBody(
    'MISSING_SCOPES',
    `This app hasn't been granted all required scopes to make this call. Missing scope: ${scopes.join(', ')}.`,
    [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: scopes } }],
  );
}

/**
 * The answer to a path HubSpot has no route for: an HTML page, as a wrong
 * proxy prefix or host would give, deliberately not HubSpot's JSON error
 * shape, so a client can tell "wrong URL" from "resource absent".
 */
export const NOT_FOUND_PAGE = '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n';

/** HubSpot's 429 body; `TEN_SECONDLY_ROLLING` means retry later, `DAILY` means stop. */
export function rateLimitBody(policy: 'TEN_SECONDLY_ROLLING' | 'DAILY'): HubSpotErrorJson {
  const message =
    policy === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.';
  return {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    category: 'RATE_LIMITS',
  };
}

/** The category HubSpot uses for a status, for injected faults. */
export function categoryForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'INVALID_AUTHENTICATION';
    case 403:
      return 'MISSING_SCOPES';
    case 404:
      return 'OBJECT_NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 429:
      return 'RATE_LIMITS';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
  }
}
