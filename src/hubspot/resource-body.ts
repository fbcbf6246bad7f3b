import { isRecord } from '../is-record.js';
import { isUrlField, type FieldDescriptor, type FieldValue, type Fields, type ResourceDescriptor } from '../resources/index.js';
import { redactUrlValue } from '../runtime/secrets.js';
import type { RemoteResource } from './types.js';

/**
 * Reads an answer body as `descriptor`'s resource: every managed field must
 * be present with its declared type; `createdAt`/`updatedAt` are kept as
 * text (ISO-8601, the seed's `2024-04-30 12:01`, or epoch numbers as
 * digits); every other server field is dropped, so it never causes a diff.
 * A URL's user name and password become [REDACTED]: the config may not
 * hold them (rules.ts), so the value still differs from every declared one,
 * and no plan, saved plan or import shows them.
 *
 * @returns the resource, or why the body is not one (no values quoted: they may echo secrets).
 */
export function readRemoteResource(json: unknown, descriptor: ResourceDescriptor): { ok: true; resource: RemoteResource } | { ok: false; problem: string } {
  if (!isRecord(json)) return { ok: false, problem: 'expected a JSON object' };
  const fields: Record<string, FieldValue> = {};
  for (const field of descriptor.fields) {
    const value = json[field.name];
    if (value === undefined) return { ok: false, problem: `"${field.name}" is missing` };
    if (!hasType(value, field)) return { ok: false, problem: `"${field.name}" is not ${ARTICLE[field.type]} (got ${jsonType(value)})` };
    fields[field.name] = isUrlField(field) ? redactUrlValue(value as string) : value;
  }
  const resource: RemoteResource = { fields };
  for (const name of ['createdAt', 'updatedAt'] as const) {
    const value = json[name];
    if (typeof value === 'string') resource[name] = value;
    // Some HubSpot APIs send epoch milliseconds; keep them as text.
    else if (typeof value === 'number' && Number.isFinite(value)) resource[name] = String(value);
  }
  return { ok: true, resource };
}

/** A copy of `fields` with only `descriptor`'s managed fields, in descriptor order. */
export function managedFields(descriptor: ResourceDescriptor, fields: Fields): Fields {
  const kept: Record<string, FieldValue> = {};
  for (const field of descriptor.fields) {
    const value = fields[field.name];
    if (value !== undefined) kept[field.name] = value;
  }
  return kept;
}

/** The fields of `wanted` whose values differ from `current`. */
export function differingFields(current: Fields, wanted: Fields): Fields {
  const patch: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(wanted)) if (current[name] !== value) patch[name] = value;
  return patch;
}

const ARTICLE: Readonly<Record<FieldDescriptor['type'], string>> = { string: 'a string', boolean: 'a boolean', integer: 'an integer' };

function hasType(value: unknown, field: FieldDescriptor): value is FieldValue {
  if (field.type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  return typeof value === field.type;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
