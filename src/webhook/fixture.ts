// Webhook response fixtures, built purely from the config.
import type { AppConfig } from '../config/model.js';
import type { WebhookNumber } from '../plan/model.js';
import { validateWebhookResponse, type WebhookResponseJson } from './response-schema.js';

/** HubSpot shows at most 24 characters of a friendlyName and truncates the rest. */
export const FRIENDLY_NAME_MAX_CODE_POINTS = 24;

/**
 * The first `max` Unicode code points of `text` (not UTF-16 units, not
 * grapheme clusters), never cutting a surrogate pair in half.
 */
export function truncateCodePoints(text: string, max: number = FRIENDLY_NAME_MAX_CODE_POINTS): string {
  // A string of at most `max` UTF-16 units has at most `max` code points.
  if (text.length <= max) return text;
  let end = 0;
  for (let count = 0; count < max && end < text.length; count++) {
    const unit = text.charCodeAt(end);
    const pairs = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length && isLowSurrogate(text.charCodeAt(end + 1));
    end += pairs ? 2 : 1;
  }
  return text.slice(0, end);
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The numbers an app's webhook answers: config order, friendlyName truncated as HubSpot does. */
export function fixtureNumbers(app: AppConfig): WebhookNumber[] {
  return app.phoneNumbers.map((n) => ({
    e164PhoneNumber: n.e164PhoneNumber,
    ...(n.extension === undefined ? {} : { extension: n.extension }),
    friendlyName: truncateCodePoints(n.friendlyName),
  }));
}

/** The response body an app's webhook answers. */
export function buildFixture(app: AppConfig): WebhookResponseJson {
  return { phoneNumbers: fixtureNumbers(app) };
}

export type RenderedFixture = { ok: true; text: string } | { ok: false; errors: string[] };

/**
 * The fixture as file bytes: validated against the response schema, then
 * 2-space JSON with a trailing newline, so the same config always gives the
 * same bytes.
 */
export function renderFixture(app: AppConfig): RenderedFixture {
  const fixture = buildFixture(app);
  const verdict = validateWebhookResponse(fixture);
  if (!verdict.ok) return verdict;
  return { ok: true, text: `${JSON.stringify(fixture, null, 2)}\n` };
}

/** `<appId>.json`, the fixture's file name. */
export function fixtureFileName(appId: number): string {
  return `${appId}.json`;
}

/** Files named like fixtures (`<digits>.json`); others in the directory are left alone. */
export const FIXTURE_FILE_PATTERN = /^\d+\.json$/;
