// Webhook response fixtures, built purely from the config: one per declared
// level (the app's default, each portal, each user).
import type { AppConfig, PhoneNumberConfig } from '../config/model.js';
import type { WebhookNumber } from '../plan/model.js';
import { declaredLevels, webhookUrlOf } from './numbers.js';
import { validateWebhookResponse, type WebhookResponseJson } from './response-schema.js';
import { truncatedNumbers } from './response.js';

export { FRIENDLY_NAME_MAX_CODE_POINTS, truncateCodePoints } from './response.js';

/** The numbers a webhook answers for a declaration: config order, friendlyName truncated as HubSpot does. */
export function fixtureNumbers(numbers: readonly PhoneNumberConfig[]): WebhookNumber[] {
  return truncatedNumbers(numbers);
}

/** The response body for a list of declared numbers. */
export function buildFixture(numbers: readonly PhoneNumberConfig[]): WebhookResponseJson {
  return { phoneNumbers: fixtureNumbers(numbers) };
}

export type RenderedFixture = { ok: true; text: string } | { ok: false; errors: string[] };

/**
 * The fixture as file bytes: validated against the response schema, then
 * 2-space JSON with a trailing newline, so the same config always gives the
 * same bytes.
 */
export function renderFixture(numbers: readonly PhoneNumberConfig[]): RenderedFixture {
  const fixture = buildFixture(numbers);
  const verdict = validateWebhookResponse(fixture);
  if (!verdict.ok) return { ok: false, errors: verdict.errors };
  return { ok: true, text: `${JSON.stringify(fixture, null, 2)}\n` };
}

/** One fixture file of an app, path relative to the fixtures directory (always `/`-separated). */
export interface FixtureFile {
  /** `<appId>.json`, `<appId>/portals/<portalId>.json` or `<appId>/portals/<portalId>/users/<userId>.json`. */
  path: string;
  appId: number;
  portalId?: number;
  userId?: number;
  /** The file's bytes. */
  text: string;
}

export type AppFixtures = { ok: true; files: FixtureFile[] } | { ok: false; errors: string[] };

/** The relative path of a level's fixture. */
export function fixturePath(appId: number, portalId?: number, userId?: number): string {
  if (portalId === undefined) return `${appId}.json`;
  if (userId === undefined) return `${appId}/portals/${portalId}.json`;
  return `${appId}/portals/${portalId}/users/${userId}.json`;
}

/**
 * Every fixture file of an app whose channel connection is present, each
 * validated against the schema; none for an app whose channel connection
 * is absent or not managed. Errors name the level.
 */
export function renderAppFixtures(app: AppConfig): AppFixtures {
  if (webhookUrlOf(app) === undefined) return { ok: true, files: [] };
  const files: FixtureFile[] = [];
  const errors: string[] = [];
  for (const level of declaredLevels(app)) {
    const rendered = renderFixture(level.numbers);
    const where = level.portalId === undefined ? '' : level.userId === undefined ? ` portal ${level.portalId}` : ` portal ${level.portalId} user ${level.userId}`;
    if (!rendered.ok) {
      errors.push(`app ${app.appId}${where}: ${rendered.errors.join('; ')}`);
      continue;
    }
    files.push({
      path: fixturePath(app.appId, level.portalId, level.userId),
      appId: app.appId,
      ...(level.portalId === undefined ? {} : { portalId: level.portalId }),
      ...(level.userId === undefined ? {} : { userId: level.userId }),
      text: rendered.text,
    });
  }
  return errors.length === 0 ? { ok: true, files } : { ok: false, errors };
}
