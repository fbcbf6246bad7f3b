import type { ErrorObject } from 'ajv';
import validate from '../generated/channel-connection-validator.js';
import { INT32_MAX } from '../resources/index.js';
import { wholeReferenceName } from './expand-env.js';
import { errorAt, type Finding } from './finding.js';
import { exampleHint, fieldAt, KEYS_BY_LEVEL, LEVEL_NAMES, levelOf, resourceForBlock, type KeyLevel } from './keys.js';
import { describeValue } from './rules.js';
import { closestName } from './suggest.js';
import { formatYamlPath, segmentsFromPointer, type PathSegment } from './yaml-path.js';

/** A scalar as written in the file: its text and explicit tag (`!!float`), for hints. */
export interface ScalarSource {
  source: string;
  tag?: string;
}

/** Reads the scalar written at a path, for "quote it" hints. */
export type SourceLookup = (segments: PathSegment[]) => ScalarSource | undefined;

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
 * (values whose expansion already failed) are dropped. Portal and user id
 * keys are checked by the rules (rules.ts), which point at the key.
 */
export function schemaFindings(data: unknown, skip: ReadonlySet<string>, sourceOf: SourceLookup): Finding[] {
  const findings: Finding[] = [];
  const appId = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).appId : undefined;
  // A string appId is valid for editors (`${VAR}`) but must be an integer once expanded.
  if (typeof appId === 'string' && !skip.has('appId')) findings.push(appIdFinding(appId, sourceOf(['appId'])));
  if (validate(data)) return findings;
  let appIdReported = findings.length > 0;
  for (const error of validate.errors ?? []) {
    // `if` only repeats the error of the branch it chose; id keys are the rules' (rules.ts).
    if (error.keyword === 'if' || error.keyword === 'propertyNames' || error.propertyName !== undefined) continue;
    const segments = segmentsFromPointer(error.instancePath, data);
    if (skip.has(formatYamlPath(segments))) continue;
    if (error.instancePath === '/appId') {
      // appId is an anyOf (integer | ${VAR}); its branches' errors say one thing.
      if (!appIdReported) findings.push(appIdFinding(valueAt(data, segments), sourceOf(segments)));
      appIdReported = true;
      continue;
    }
    findings.push(withExample(toFinding(error, segments, valueAt(data, segments), sourceOf)));
  }
  // `recording: {ensure: absent}` is one mistake: the missing URL is what `ensure` was written instead of.
  const undeletable = new Set(findings.filter((f) => f.code.endsWith('-not-deletable')).map((f) => formatYamlPath(f.segments.slice(0, -1))));
  return findings.filter((f) => !(f.code === 'missing-key' && undeletable.has(formatYamlPath(f.segments))));
}

/** The `invalid-app-id` finding for an appId value that is not a positive int32. */
export function appIdFinding(value: unknown, written: ScalarSource | undefined): Finding {
  const digits = typeof value === 'string' && /^\d+$/.test(value);
  const hint =
    written?.tag !== undefined
      ? `remove the \`${written.tag}\` tag${digits ? `: appId: ${value as string}` : ''}`
      : digits && !written?.source.includes('${')
        ? `write it without quotes: appId: ${value as string}`
        : written?.source.includes('${') === true
          ? 'check the environment variable'
          : undefined;
  // Beyond 2^53 the number read is not the one written (9007199254740993 reads as …992): quote the text.
  const got = typeof value === 'number' && !Number.isSafeInteger(value) && written !== undefined && /^[-+]?\d+$/.test(written.source) ? `the number ${written.source}` : describeValue(value);
  return errorAt(['appId'], 'invalid-app-id', `appId must be a positive integer of at most 2147483647, got ${got}`, hint);
}

/** A finding about a resource's field with no hint of its own shows a value the field takes. */
function withExample(finding: Finding): Finding {
  if (finding.hint !== undefined || finding.at === 'key') return finding;
  const field = fieldAt(finding.segments);
  return field === undefined ? finding : { ...finding, hint: exampleHint(field) };
}

function toFinding(error: ErrorObject, segments: PathSegment[], value: unknown, sourceOf: SourceLookup): Finding {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(segments, String(params.additionalProperty));
    case 'required': {
      const key = String(params.missingProperty);
      const level = levelOf(segments);
      const block = resourceForBlock(level);
      const field = fieldAt([...segments, key]);
      const topLevelEnsure = level === 'top' ? resourceForBlock(key) : undefined;
      const hint =
        topLevelEnsure?.ensureAt === 'top-level'
          ? `\`${key}\` is required with \`ensure: present\`; remove \`ensure\` to leave the ${topLevelEnsure.title} unmanaged`
          : block !== undefined && field !== undefined
            ? `HubSpot requires every field of the ${block.title} when it creates them; ${exampleHint(field)}`
            : undefined;
      return { ...errorAt(segments, 'missing-key', `missing required key \`${key}\``, hint), missingKeys: [key] };
    }
    case 'type': {
      const expected = String(params.type);
      const block = segments.length === 1 ? resourceForBlock(segments[0]) : undefined;
      const first = block?.fields[0];
      const hint =
        block !== undefined && first !== undefined && expected === 'object'
          ? `write the ${block.title}' fields under \`${block.configKey}:\`, indented (${exampleHint(first)}), or remove the block to leave them unmanaged`
          : typeHint(expected, value, sourceOf(segments));
      return errorAt(segments, 'invalid-type', `expected ${EXPECTED[expected] ?? expected}, got ${describeValue(value)}`, hint);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const close = typeof value === 'string' || typeof value === 'number' ? closestName(String(value), allowed) : undefined;
      const last = segments[segments.length - 1];
      const hint =
        close !== undefined
          ? `did you mean "${close}"?`
          : last === 'auth' && segments.length === 1
            ? 'developer-api-key sends HUBSPOT_DEVELOPER_API_KEY as ?hapikey=; access-token sends HUBSPOT_ACCESS_TOKEN as a Bearer token'
            : `write one of them, for example: ${String(last)}: ${allowed[0] as string}`;
      return errorAt(segments, 'invalid-value', `expected one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${describeValue(value)}`, hint);
    }
    case 'pattern': {
      const last = segments[segments.length - 1];
      const format = (typeof last === 'string' ? FORMATS[last] : undefined) ?? 'the expected format';
      return errorAt(segments, 'invalid-value', `expected ${format}, got ${describeValue(value)}`);
    }
    case 'minLength':
      return errorAt(segments, 'invalid-value', 'must not be empty');
    case 'minimum':
    case 'maximum':
      return errorAt(segments, 'invalid-value', `expected a positive integer up to ${INT32_MAX} (HubSpot's int32), got ${describeValue(value)}`);
    default:
      return errorAt(segments, 'schema-violation', error.message ?? `fails the schema's ${error.keyword} rule`);
  }
}

/** How to write a value of the `expected` JSON type, given how it is written now. */
function typeHint(expected: string, value: unknown, written: { source: string; tag?: string } | undefined): string | undefined {
  // Written as `${NAME}`: how the YAML is written is not the problem, the variable's value is.
  const variable = written === undefined ? undefined : wholeReferenceName(written.source);
  if (variable !== undefined) {
    if (expected === 'boolean') return `set ${variable} to true or false`;
    return expected === 'integer' ? `set ${variable} to a whole number` : undefined;
  }
  if (written?.tag !== undefined) return `remove the \`${written.tag}\` tag${expected === 'string' ? ' and quote the value' : ''}`;
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') && written !== undefined) return `quote it: "${written.source}"`;
  if (expected === 'boolean' && typeof value === 'string') return 'write true or false, unquoted';
  if (expected === 'integer' && typeof value === 'string' && /^\d+$/.test(value)) return `write it without quotes: ${value}`;
  return undefined;
}

const MERGE_KEY = '<<';

function unknownKey(parent: PathSegment[], key: string): Finding {
  const level = levelOf(parent);
  const segments = [...parent, key];
  const block = resourceForBlock(level);
  if (block !== undefined && !block.deletable && key === 'ensure') {
    return {
      ...errorAt(
        segments,
        `${block.configKey}-not-deletable`,
        `${block.title} take no \`ensure\`: HubSpot's API cannot delete ${block.title}`,
        `remove \`ensure\`; to stop managing them, remove the \`${block.configKey}\` block (HubSpot keeps them)`,
      ),
      at: 'key',
    };
  }
  const valid = KEYS_BY_LEVEL[level];
  if (key === MERGE_KEY) {
    return {
      ...errorAt(segments, 'unknown-key', '`<<` (a YAML merge key) is not read in YAML 1.2, so nothing is merged here', 'write the keys out, or start the file with `%YAML 1.1` and `---`, where merge keys work'),
      at: 'key',
    };
  }
  const close = closestName(key, valid);
  const message = (): string => {
    if (close !== undefined) return `unknown key \`${key}\`; did you mean \`${close}\`?`;
    // A key valid at other levels (`url`: `calling` and `settings`): say every place it goes.
    const levels = (Object.keys(KEYS_BY_LEVEL) as KeyLevel[]).filter((other) => other !== level);
    const exact = levels.filter((other) => KEYS_BY_LEVEL[other].includes(key));
    if (exact.length > 0) return `unknown key \`${key}\` here; \`${key}\` belongs in ${exact.map((other) => LEVEL_NAMES[other]).join(' or ')}`;
    // A near miss of a key valid elsewhere.
    for (const other of levels) {
      const elsewhere = other === level ? undefined : closestName(key, KEYS_BY_LEVEL[other]);
      if (elsewhere !== undefined) {
        const name = elsewhere === key ? `\`${key}\`` : `did you mean \`${elsewhere}\`? It`;
        return `unknown key \`${key}\` here; ${name} belongs in ${LEVEL_NAMES[other]}`;
      }
    }
    return `unknown key \`${key}\``;
  };
  const finding: Finding = { ...errorAt(segments, 'unknown-key', message(), `valid keys here: ${valid.join(', ')}`), at: 'key' };
  return close === undefined ? finding : { ...finding, suggestion: close };
}

/**
 * One typo gives one error: a `missing-key` finding is dropped when an
 * unknown key beside it is a near miss of the missing key (`wdith` for
 * `width`) or of `ensure`, or when the mapping's `ensure` value is itself an
 * error (`ensure` decides what is required) or it holds an unread merge key
 * (`<<` would have brought the keys); the rules' "no resource"
 * finding yields to a more precise missing key at the same place; and the
 * remaining missing keys of one mapping become one finding.
 */
export function mergeMissingKeys(findings: readonly Finding[]): Finding[] {
  const suggested = new Set<string>();
  // Mappings whose required keys cannot be known: a bad `ensure`, or a `<<` that was not merged.
  const undecided = new Set<string>();
  const singleMissing = new Set<string>();
  for (const f of findings) {
    const parent = formatYamlPath(f.segments.slice(0, -1));
    if (f.suggestion !== undefined) suggested.add(`${parent}\u0000${f.suggestion}`);
    if (f.at === 'value' && f.segments.at(-1) === 'ensure') undecided.add(parent);
    if (f.code === 'unknown-key' && f.segments.at(-1) === MERGE_KEY) undecided.add(parent);
    if (f.code === 'missing-key' && f.missingKeys?.length === 1) singleMissing.add(formatYamlPath(f.segments));
  }
  const out: Finding[] = [];
  const missingAt = new Map<string, Finding & { missingKeys: readonly string[] }>();
  for (const f of findings) {
    if (f.code !== 'missing-key' || f.missingKeys === undefined) {
      out.push(f);
      continue;
    }
    const path = formatYamlPath(f.segments);
    // A misspelt `ensure` decides which keys are required at all.
    if (undecided.has(path) || suggested.has(`${path}\u0000ensure`) || f.missingKeys.some((key) => suggested.has(`${path}\u0000${key}`))) continue;
    // The rules' "no resource" finding lists alternatives; it stands alone unless a precise one says the same.
    if (f.missingKeys.length > 1) {
      if (!singleMissing.has(path)) out.push(f);
      continue;
    }
    const previous = missingAt.get(path);
    if (previous === undefined) {
      const entry = { ...f, missingKeys: f.missingKeys };
      missingAt.set(path, entry);
      out.push(entry);
      continue;
    }
    const keys = [...previous.missingKeys, ...f.missingKeys];
    Object.assign(previous, { missingKeys: keys, message: `missing required keys ${listKeys(keys)}` });
  }
  return out;
}

function listKeys(keys: readonly string[]): string {
  const quoted = keys.map((key) => `\`${key}\``);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

function valueAt(data: unknown, segments: PathSegment[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
