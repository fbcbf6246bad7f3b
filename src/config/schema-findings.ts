import type { ErrorObject } from 'ajv';
import validate from '../generated/channel-connection-validator.js';
import { errorAt, type Finding } from './finding.js';
import { KEYS_BY_LEVEL, LEVEL_NAMES, type KeyLevel } from './keys.js';
import { closestName } from './suggest.js';
import { formatYamlPath, segmentsFromPointer, type PathSegment } from './yaml-path.js';

/** Reads the source text of the scalar at a path, for "quote it" hints. */
export type SourceLookup = (segments: PathSegment[]) => string | undefined;

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  integer: 'an integer',
};

// Friendly names of the formats schema `pattern`s encode, by key.
const FORMATS: Readonly<Record<string, string>> = {
  defaultRegion: 'a two-letter ISO 3166 region code in capitals, such as US or GB',
};

/**
 * Validates one expanded app document against the generated ajv validator of
 * schemas/channel-connection.schema.json and turns ajv's errors into
 * findings with stable codes and friendly messages. Errors at `skip` paths
 * (values whose expansion already failed) are dropped.
 */
export function schemaFindings(data: unknown, skip: ReadonlySet<string>, sourceOf: SourceLookup): Finding[] {
  if (validate(data)) return [];
  const findings: Finding[] = [];
  let appIdReported = false;
  for (const error of validate.errors ?? []) {
    // `if` only repeats the `else: required settings` error it wraps.
    if (error.keyword === 'if') continue;
    const segments = segmentsFromPointer(error.instancePath, data);
    if (skip.has(formatYamlPath(segments))) continue;
    if (error.instancePath === '/appId') {
      // appId is an anyOf (integer | ${VAR}); its branches' errors say one thing.
      if (!appIdReported) findings.push(appIdFinding(valueAt(data, segments), sourceOf(segments)));
      appIdReported = true;
      continue;
    }
    findings.push(toFinding(error, segments, valueAt(data, segments), sourceOf));
  }
  return findings;
}

/** The `invalid-app-id` finding for an appId value that is not a positive int32. */
export function appIdFinding(value: unknown, source: string | undefined): Finding {
  const digits = typeof value === 'string' && /^\d+$/.test(value);
  return errorAt(
    ['appId'],
    'invalid-app-id',
    `appId must be a positive integer of at most 2147483647, got ${describe(value)}`,
    digits ? `write it without quotes: appId: ${value}` : source?.includes('${') ? 'check the environment variable' : undefined,
  );
}

function toFinding(error: ErrorObject, segments: PathSegment[], value: unknown, sourceOf: SourceLookup): Finding {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(segments, String(params.additionalProperty));
    case 'required': {
      const key = String(params.missingProperty);
      const hint = key === 'settings' ? 'settings are required unless `ensure: absent`' : undefined;
      return errorAt(segments, 'missing-key', `missing required key \`${key}\``, hint);
    }
    case 'type': {
      const expected = String(params.type);
      const source = sourceOf(segments);
      const quote =
        expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') && source !== undefined
          ? `quote it: "${source}"`
          : expected === 'boolean' && typeof value === 'string'
            ? 'write true or false, unquoted'
            : undefined;
      return errorAt(segments, 'invalid-type', `expected ${EXPECTED[expected] ?? expected}, got ${describe(value)}`, quote);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const close = typeof value === 'string' || typeof value === 'number' ? closestName(String(value), allowed) : undefined;
      return errorAt(
        segments,
        'invalid-value',
        `expected one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${describe(value)}`,
        close === undefined ? undefined : `did you mean "${close}"?`,
      );
    }
    case 'pattern': {
      const last = segments[segments.length - 1];
      const format = (typeof last === 'string' ? FORMATS[last] : undefined) ?? 'the expected format';
      return errorAt(segments, 'invalid-value', `expected ${format}, got ${describe(value)}`);
    }
    case 'minLength':
      return errorAt(segments, 'invalid-value', 'must not be empty');
    default:
      return errorAt(segments, 'schema-violation', error.message ?? `fails the schema's ${error.keyword} rule`);
  }
}

function unknownKey(parent: PathSegment[], key: string): Finding {
  const level = levelOf(parent);
  const segments = [...parent, key];
  const valid = KEYS_BY_LEVEL[level];
  const message = (): string => {
    const close = closestName(key, valid);
    if (close !== undefined) return `unknown key \`${key}\`; did you mean \`${close}\`?`;
    // A key (or a near miss) that is valid one level up or down: say where it goes.
    for (const other of Object.keys(KEYS_BY_LEVEL) as KeyLevel[]) {
      const elsewhere = other === level ? undefined : closestName(key, KEYS_BY_LEVEL[other]);
      if (elsewhere !== undefined) {
        const name = elsewhere === key ? `\`${key}\`` : `did you mean \`${elsewhere}\`? It`;
        return `unknown key \`${key}\` here; ${name} belongs in ${LEVEL_NAMES[other]}`;
      }
    }
    return `unknown key \`${key}\``;
  };
  return { ...errorAt(segments, 'unknown-key', message(), `valid keys here: ${valid.join(', ')}`), at: 'key' };
}

function levelOf(parent: PathSegment[]): KeyLevel {
  if (parent[0] === 'settings') return 'settings';
  if (parent[0] === 'phoneNumbers') return 'phoneNumber';
  return 'top';
}

function valueAt(data: unknown, segments: PathSegment[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Names a value for messages: `the string "x"`, `a list`, `an empty value`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}
