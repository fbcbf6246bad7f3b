// Request validation the way HubSpot does it, read from the resource
// descriptors: pure functions that return values, so the server only maps
// them to 400 bodies.
import {
  INT32_MAX,
  isResourceName,
  RESOURCES,
  type FieldDescriptor,
  type Fields,
  type FieldValue,
  type ResourceDescriptor,
  type ResourceName,
} from '../resources/index.js';
import type { EmulatorStateInput, StoredResourceInput } from './store.js';

/** One entry of a HubSpot error's `errors` array. */
export interface FieldErrorJson {
  message: string;
  /** The offending field, when there is one. */
  in?: string;
  /** HubSpot's extra detail, e.g. `{requiredGranularScopes: [...]}` on a 403. */
  context?: Record<string, readonly string[]>;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string; errors: FieldErrorJson[] };

/** The appId of a path segment or state key: a positive int32 in plain decimal, else undefined. */
export function parseAppId(text: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= INT32_MAX ? n : undefined;
}

/** HubSpot calls or loads these URLs, so they must be absolute http(s) URLs with a host. */
function urlProblem(name: string, value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `${name} must be an absolute URL, got "${value}".`;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '') {
    return `${name} must be an absolute http or https URL, got "${value}".`;
  }
  return undefined;
}

/** The problem with one field's value, by the descriptor's type and rule; undefined when fine. */
export function fieldProblem(field: FieldDescriptor, value: unknown): string | undefined {
  const { name } = field;
  if (field.type === 'boolean' && typeof value !== 'boolean') return `${name} must be a boolean.`;
  if (field.type === 'integer' && !Number.isInteger(value)) return `${name} must be an integer.`;
  if (field.type === 'string' && typeof value !== 'string') return `${name} must be a string.`;
  switch (field.rule) {
    case 'webhook-url':
    case 'recording-url':
      return value === '' ? `${name} must not be empty.` : urlProblem(name, value as string);
    case 'non-empty':
      return value === '' ? `${name} must not be empty.` : undefined;
    case 'positive-integer':
      return (value as number) >= 1 && (value as number) <= INT32_MAX ? undefined : `${name} must be a positive integer of at most ${INT32_MAX}.`;
    case 'none':
      return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unknown keys and bad values of the fields present in `body`. */
function fieldErrors(resource: ResourceDescriptor, body: Record<string, unknown>): FieldErrorJson[] {
  const errors: FieldErrorJson[] = [];
  const known = new Map(resource.fields.map((field) => [field.name, field]));
  for (const [key, value] of Object.entries(body)) {
    const field = known.get(key);
    if (field === undefined) {
      errors.push({ message: `Unrecognized field "${key}".`, in: key });
      continue;
    }
    const problem = fieldProblem(field, value);
    if (problem !== undefined) errors.push({ message: problem, in: key });
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

/**
 * POST body: every field of the descriptor (HubSpot requires all nine calling
 * fields on create; the others have one or two fields, all required), valid,
 * nothing else. Missing fields are named, each in its own `errors` entry.
 */
export function validateCreateBody(resource: ResourceDescriptor, body: unknown): Validated<Fields> {
  if (!isPlainObject(body)) return invalid([{ message: 'The request body must be a JSON object.' }]);
  const invalidFields = fieldErrors(resource, body);
  const missing = resource.fields.filter((field) => !(field.name in body)).map((field) => field.name);
  if (invalidFields.length === 0 && missing.length === 0) return { ok: true, value: body as Fields };
  const lead = missing.length === 0 ? [] : [`Missing required fields: ${missing.join(', ')}.`];
  const message = ['Invalid input:', ...lead, ...invalidFields.map((e) => e.message)].join(' ');
  const errors = [...missing.map((name) => ({ message: `${name} is required.`, in: name })), ...invalidFields];
  return { ok: false, message, errors };
}

/** PATCH body: at least one known field, valid, nothing else. */
export function validateUpdateBody(resource: ResourceDescriptor, body: unknown): Validated<Fields> {
  if (!isPlainObject(body)) return invalid([{ message: 'The request body must be a JSON object.' }]);
  const errors = fieldErrors(resource, body);
  if (errors.length === 0 && Object.keys(body).length === 0) {
    errors.push({ message: `At least one of ${resource.fields.map((field) => field.name).join(', ')} is required.` });
  }
  if (errors.length > 0) return invalid(errors);
  return { ok: true, value: body as Fields };
}

// ISO-8601 with a zone, or the seed document's "2024-04-30 12:01" form.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})| \d{2}:\d{2}(:\d{2})?)$/;
const TIMESTAMP_FIELDS = ['createdAt', 'updatedAt'] as const;

/** Epoch ms of a state timestamp; the seed form has no zone and reads as UTC, not as this machine's time. */
export function timestampMs(stamp: string): number {
  return Date.parse(stamp.includes('T') ? stamp : `${stamp.replace(' ', 'T')}Z`);
}

/** One stored resource of a state document, or the first problem with it. */
function parseStoredResource(
  where: string,
  resource: ResourceDescriptor,
  value: unknown,
): { ok: true; value: StoredResourceInput } | { ok: false; problem: string } {
  if (!isPlainObject(value)) return { ok: false, problem: `${where} must be an object.` };
  const known = new Map(resource.fields.map((field) => [field.name, field]));
  for (const key of Object.keys(value)) {
    if (!known.has(key) && !(TIMESTAMP_FIELDS as readonly string[]).includes(key)) {
      return { ok: false, problem: `${where} has an unknown field "${key}" (${resource.title} have ${[...known.keys()].join(', ')}).` };
    }
  }
  const fields: Record<string, FieldValue> = {};
  for (const field of resource.fields) {
    if (!(field.name in value)) return { ok: false, problem: `${where}.${field.name} is missing.` };
    const problem = fieldProblem(field, value[field.name]);
    if (problem !== undefined) return { ok: false, problem: `${where}.${problem}` };
    fields[field.name] = value[field.name] as FieldValue;
  }
  const input: StoredResourceInput = { fields };
  for (const name of TIMESTAMP_FIELDS) {
    const stamp = value[name];
    if (stamp === undefined) continue;
    if (typeof stamp !== 'string' || !TIMESTAMP.test(stamp) || Number.isNaN(timestampMs(stamp))) {
      return { ok: false, problem: `${where}.${name} must be an ISO-8601 timestamp such as 2024-04-30T12:01:00Z.` };
    }
    input[name] = stamp;
  }
  return { ok: true, value: input };
}

/**
 * The resource an app entry of the channel-connection-only state of earlier
 * releases (`{url, isReady, createdAt?, updatedAt?}` directly under the
 * appId) stands for: the one whose `configKey` is the top-level `settings`.
 */
const LEGACY_RESOURCE: ResourceDescriptor | undefined = RESOURCES.find((resource) => resource.configKey === 'settings');

/**
 * Checks a whole-state document (`--state` file, `PUT /__emulator/state`):
 * `{"apps": {"<appId>": {"<resource name>": {...fields, createdAt?, updatedAt?}}}}`.
 * An app entry whose keys are fields rather than resource names is the
 * older channel-connection-only shape and is read as the channel connection.
 * Returns the first problem found, worded for the user.
 */
export function parseEmulatorState(value: unknown): { ok: true; state: EmulatorStateInput } | { ok: false; problem: string } {
  if (!isPlainObject(value)) return { ok: false, problem: 'expected a JSON object {"apps": {...}}.' };
  for (const key of Object.keys(value)) {
    if (key !== 'apps') return { ok: false, problem: `unknown top-level field "${key}"; expected only "apps".` };
  }
  if (!isPlainObject(value.apps)) return { ok: false, problem: '"apps" must be an object keyed by appId.' };
  const apps: EmulatorStateInput['apps'] = {};
  for (const [key, app] of Object.entries(value.apps)) {
    const where = `apps["${key}"]`;
    if (parseAppId(key) === undefined) return { ok: false, problem: `${where}: the key must be an appId (a positive 32-bit integer).` };
    if (!isPlainObject(app)) return { ok: false, problem: `${where} must be an object keyed by resource name.` };
    const keys = Object.keys(app);
    const resources: Partial<Record<ResourceName, StoredResourceInput>> = {};
    const legacy = LEGACY_RESOURCE !== undefined && !keys.some(isResourceName) && keys.some((k) => LEGACY_RESOURCE.fields.some((f) => f.name === k));
    if (legacy) {
      const parsed = parseStoredResource(where, LEGACY_RESOURCE, app);
      if (!parsed.ok) return parsed;
      resources[LEGACY_RESOURCE.name] = parsed.value;
    } else {
      for (const name of keys) {
        if (!isResourceName(name)) {
          return { ok: false, problem: `${where} has an unknown resource "${name}"; expected ${RESOURCES.map((r) => r.name).join(', ')}.` };
        }
        const descriptor = RESOURCES.find((resource) => resource.name === name) as ResourceDescriptor;
        const parsed = parseStoredResource(`${where}["${name}"]`, descriptor, app[name]);
        if (!parsed.ok) return parsed;
        resources[name] = parsed.value;
      }
    }
    apps[key] = resources;
  }
  return { ok: true, state: { apps } };
}
