// Request validation the way HubSpot does it: pure functions that return
// values, so the server only maps them to 400 bodies.
import type { ManagedSettings } from '../config/model.js';
import type { EmulatorStateInput, StoredSettingsInput } from './store.js';

/** One entry of a HubSpot VALIDATION_ERROR's `errors` array. */
export interface FieldErrorJson {
  message: string;
  /** The offending field, when there is one. */
  in?: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string; errors: FieldErrorJson[] };

const INT32_MAX = 2_147_483_647;

/** The appId of a path segment or state key: a positive int32 in plain decimal, else undefined. */
export function parseAppId(text: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= INT32_MAX ? n : undefined;
}

/** HubSpot calls the webhook, so `url` must be an absolute http(s) URL with a host. */
function urlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'url must be a string.';
  if (value === '') return 'url must not be empty.';
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `url must be an absolute URL, got "${value}".`;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '') {
    return `url must be an absolute http or https URL, got "${value}".`;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldErrors(body: Record<string, unknown>, allowed: readonly string[]): FieldErrorJson[] {
  const errors: FieldErrorJson[] = [];
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) errors.push({ message: `Unrecognized field "${key}".`, in: key });
  }
  if ('url' in body) {
    const problem = urlProblem(body.url);
    if (problem !== undefined) errors.push({ message: problem, in: 'url' });
  }
  if ('isReady' in body && typeof body.isReady !== 'boolean') {
    errors.push({ message: 'isReady must be a boolean.', in: 'isReady' });
  }
  return errors;
}

function invalid<T>(errors: FieldErrorJson[]): Validated<T> {
  return { ok: false, message: `Invalid input: ${errors.map((e) => e.message).join(' ')}`, errors };
}

/** Parses a request body as JSON; malformed JSON is a VALIDATION_ERROR like HubSpot's. */
export function parseJsonBody(text: string): Validated<unknown> {
  if (text.trim() === '') return invalid([{ message: 'The request body must be a JSON object; it was empty.' }]);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return invalid([{ message: `Invalid input JSON: ${detail}` }]);
  }
}

/** POST body: `url` required, `isReady` optional (default false), nothing else. */
export function validateCreateBody(body: unknown): Validated<ManagedSettings> {
  if (!isPlainObject(body)) return invalid([{ message: 'The request body must be a JSON object.' }]);
  const errors = fieldErrors(body, ['url', 'isReady']);
  if (!('url' in body)) errors.push({ message: 'url is required.', in: 'url' });
  if (errors.length > 0) return invalid(errors);
  return { ok: true, value: { url: body.url as string, isReady: (body.isReady as boolean | undefined) ?? false } };
}

/** PATCH body: at least one of `url` and `isReady`, nothing else. */
export function validateUpdateBody(body: unknown): Validated<Partial<ManagedSettings>> {
  if (!isPlainObject(body)) return invalid([{ message: 'The request body must be a JSON object.' }]);
  const errors = fieldErrors(body, ['url', 'isReady']);
  if (errors.length === 0 && !('url' in body) && !('isReady' in body)) {
    errors.push({ message: 'At least one of url and isReady is required.' });
  }
  if (errors.length > 0) return invalid(errors);
  const patch: Partial<ManagedSettings> = {};
  if (typeof body.url === 'string') patch.url = body.url;
  if (typeof body.isReady === 'boolean') patch.isReady = body.isReady;
  return { ok: true, value: patch };
}

// ISO-8601 with a zone, or the seed document's "2024-04-30 12:01" form.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})| \d{2}:\d{2}(:\d{2})?)$/;

function settingsProblem(key: string, value: unknown): string | undefined {
  const where = `apps["${key}"]`;
  if (parseAppId(key) === undefined) return `${where}: the key must be an appId (a positive 32-bit integer).`;
  if (!isPlainObject(value)) return `${where} must be an object.`;
  for (const field of Object.keys(value)) {
    if (!['url', 'isReady', 'createdAt', 'updatedAt'].includes(field)) return `${where} has an unknown field "${field}".`;
  }
  const url = urlProblem(value.url);
  if (url !== undefined) return `${where}.${url}`;
  if (typeof value.isReady !== 'boolean') return `${where}.isReady must be a boolean.`;
  for (const field of ['createdAt', 'updatedAt'] as const) {
    const stamp = value[field];
    if (stamp !== undefined && (typeof stamp !== 'string' || !TIMESTAMP.test(stamp) || Number.isNaN(Date.parse(stamp)))) {
      return `${where}.${field} must be an ISO-8601 timestamp such as 2024-04-30T12:01:00Z.`;
    }
  }
  return undefined;
}

/**
 * Checks a whole-state document (`--state` file, `PUT /__emulator/state`):
 * `{"apps": {"<appId>": {url, isReady, createdAt?, updatedAt?}}}`.
 * Returns the first problem found, worded for the user.
 */
export function parseEmulatorState(value: unknown): { ok: true; state: EmulatorStateInput } | { ok: false; problem: string } {
  if (!isPlainObject(value)) return { ok: false, problem: 'expected a JSON object {"apps": {...}}.' };
  for (const key of Object.keys(value)) {
    if (key !== 'apps') return { ok: false, problem: `unknown top-level field "${key}"; expected only "apps".` };
  }
  if (!isPlainObject(value.apps)) return { ok: false, problem: '"apps" must be an object keyed by appId.' };
  const apps: Record<string, StoredSettingsInput> = {};
  for (const [key, settings] of Object.entries(value.apps)) {
    const problem = settingsProblem(key, settings);
    if (problem !== undefined) return { ok: false, problem };
    apps[key] = settings as unknown as StoredSettingsInput;
  }
  return { ok: true, state: { apps } };
}
