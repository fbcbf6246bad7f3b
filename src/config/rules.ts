import type { CountryCode } from 'libphonenumber-js/core';
import { holdsBeyondC0 } from '../control-characters.js';
import { isRecord } from '../is-record.js';
import { INT32_MAX, RESOURCES, type FieldDescriptor, type ResourceDescriptor } from '../resources/index.js';
import { errorAt, warningAt, type Finding } from './finding.js';
import { exampleHint } from './keys.js';
import { checkPhoneNumber, type PhoneLibrary } from './phone-number.js';
import { EMPTY_PORT, redactUserinfo, urlWithoutUserinfo } from '../runtime/secrets.js';
import { formatYamlPath, type PathSegment } from './yaml-path.js';

/** HubSpot truncates `friendlyName` to this many Unicode code points. */
export const FRIENDLY_NAME_MAX = 24;

/** Portal and user ids: positive integers written in decimal, at most MAX_ACCOUNT_ID (15 digits). */
const ID_KEY = /^[1-9][0-9]{0,14}$/;

export interface RuleContext {
  /** Formatted paths already reported (failed expansions, schema errors): not checked again. */
  failedPaths: ReadonlySet<string>;
  /** Loaded when the document has phone numbers or a defaultRegion. */
  phone: PhoneLibrary | undefined;
}

/** A problem with one value, without its position. */
export interface ValueProblem {
  code: string;
  message: string;
  hint?: string;
}

/**
 * The rules JSON Schema cannot express, over one expanded app document.
 * Each rule checks only values of the right type, so it can run beside
 * schema errors and report everything in one pass. Linear in the number of
 * phone numbers (duplicates via a Map).
 */
export function semanticFindings(data: Readonly<Record<string, unknown>>, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const checked = (segments: PathSegment[]): boolean =>
    context.failedPaths.size === 0 || !context.failedPaths.has(formatYamlPath(segments));

  if (!RESOURCES.some((resource) => declares(data, resource))) {
    findings.push({
      ...errorAt(
        [],
        'missing-key',
        'missing required key `settings`: a document must manage at least one resource',
        'declare `settings` (the channel connection), `ensure: absent`, `calling` or `recording`',
      ),
      missingKeys: ['ensure', ...RESOURCES.map((resource) => resource.configKey)],
    });
  }

  for (const resource of RESOURCES) {
    const block = data[resource.configKey];
    if (!isRecord(block)) continue;
    if (resource.ensureAt === 'block' && block.ensure === 'absent') {
      for (const key of Object.keys(block)) {
        // A key that is no field at all already has its own error (unknown key): one typo, one error.
        if (!resource.fields.some((field) => field.name === key)) continue;
        findings.push({
          ...errorAt(
            [resource.configKey, key],
            'field-with-absent',
            `\`${key}\` has no meaning with \`ensure: absent\`: the ${resource.title} are deleted`,
            'remove it, or remove `ensure: absent`',
          ),
          at: 'key',
        });
      }
      continue;
    }
    for (const field of resource.fields) {
      const at = [resource.configKey, field.name];
      const value = block[field.name];
      if (value === undefined || !checked(at) || !hasType(field, value)) continue;
      const problem = fieldProblem(field, value);
      if (problem !== undefined) findings.push(errorAt(at, problem.code, problem.message, problem.hint ?? exampleHint(field)));
    }
  }

  let region: CountryCode | undefined;
  const regionValue = data.defaultRegion;
  if (typeof regionValue === 'string' && /^[A-Z]{2}$/.test(regionValue) && context.phone !== undefined) {
    if (context.phone.isSupportedCountry(regionValue)) region = regionValue;
    else findings.push(errorAt(['defaultRegion'], 'invalid-value', `"${regionValue}" is not a region with a numbering plan`));
  }

  const numberLists: PathSegment[][] = [['phoneNumbers']];
  const portals = data.portals;
  if (isRecord(portals)) {
    for (const [portalId, portal] of Object.entries(portals)) {
      if (!ID_KEY.test(portalId)) findings.push(idKeyFinding(['portals', portalId], 'portal'));
      if (!isRecord(portal)) continue;
      numberLists.push(['portals', portalId, 'phoneNumbers']);
      if (!isRecord(portal.users)) continue;
      for (const [userId, user] of Object.entries(portal.users)) {
        if (!ID_KEY.test(userId)) findings.push(idKeyFinding(['portals', portalId, 'users', userId], 'user'));
        if (isRecord(user)) numberLists.push(['portals', portalId, 'users', userId, 'phoneNumbers']);
      }
    }
  }
  if (context.phone !== undefined) {
    // One check per distinct number: the same number often appears in many lists.
    const lib = context.phone;
    const problems = new Map<string, ReturnType<typeof checkPhoneNumber>>();
    const check = (e164: string) => {
      if (!problems.has(e164)) problems.set(e164, checkPhoneNumber(e164, region, lib));
      return problems.get(e164);
    };
    for (const list of numberLists) {
      const numbers = valueAt(data, list);
      if (Array.isArray(numbers)) phoneNumberFindings(numbers, list, check, checked, findings);
    }
  }
  loneSurrogateFindings(data, [], findings);
  return findings;
}

// Half of a UTF-16 surrogate pair, without its other half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What the `invalid-unicode` rule says of a string with half a surrogate pair. */
export const LONE_SURROGATE_MESSAGE = 'the text holds half of a UTF-16 surrogate pair (from a \\u escape), which is not a character';

/** True when `text` holds half of a UTF-16 surrogate pair (no character; JSON parsers reject it). */
export function holdsLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * A YAML escape can write half of a UTF-16 pair (`"\uD83D"`), which is no
 * character: it would reach HubSpot and every webhook answer as is, where
 * JSON parsers reject or garble it. Every string value is checked; `at` is
 * a stack, copied only for a finding.
 */
function loneSurrogateFindings(value: unknown, at: PathSegment[], findings: Finding[]): void {
  if (typeof value === 'string') {
    if (holdsLoneSurrogate(value)) {
      findings.push(
        errorAt(
          [...at],
          'invalid-unicode',
          LONE_SURROGATE_MESSAGE,
          'write the whole character, or both halves of the pair (e.g. "\\uD83D\\uDE00")',
        ),
      );
    }
    return;
  }
  const entries: Iterable<[PathSegment, unknown]> | undefined = Array.isArray(value) ? value.entries() : isRecord(value) ? Object.entries(value) : undefined;
  if (entries === undefined) return;
  for (const [segment, item] of entries) {
    at.push(segment);
    loneSurrogateFindings(item, at, findings);
    at.pop();
  }
}

/** Whether the document declares `resource` (its block, or a top-level `ensure: absent` for the channel connection). */
function declares(data: Readonly<Record<string, unknown>>, resource: ResourceDescriptor): boolean {
  if (data[resource.configKey] !== undefined) return true;
  return resource.ensureAt === 'top-level' && data.ensure === 'absent';
}

function idKeyFinding(segments: PathSegment[], what: 'portal' | 'user'): Finding {
  const key = String(segments[segments.length - 1]);
  return {
    ...errorAt(
      segments,
      `invalid-${what}-id`,
      `a ${what} id must be a positive integer, got "${key}"`,
      `write the numeric ${what} id HubSpot sends as ${what}Id, e.g. "42"`,
    ),
    at: 'key',
  };
}

function valueAt(data: unknown, segments: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** True when `value` has the field's JSON type (the schema reports other values). */
function hasType(field: FieldDescriptor, value: unknown): boolean {
  if (field.type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  return typeof value === field.type;
}

/**
 * Checks one value of a managed field against its descriptor: its JSON type,
 * then its rule (`webhook-url`, `recording-url`, `non-empty`,
 * `positive-integer`). Pure; the config rules and the re-check of a saved
 * plan's values before it is applied both use it.
 * @returns the problem, or undefined when the value is acceptable.
 */
export function fieldProblem(field: FieldDescriptor, value: unknown): ValueProblem | undefined {
  if (!hasType(field, value)) {
    const expected = field.type === 'boolean' ? 'true or false' : field.type === 'integer' ? 'an integer' : 'a string';
    return { code: 'invalid-type', message: `${field.name} must be ${expected}, got ${describeValue(value)}` };
  }
  switch (field.rule) {
    case 'webhook-url':
      return checkUrl(value as string);
    case 'recording-url': {
      const problem = checkUrl(value as string, 'https://api.example.com/recordings/%s');
      if (problem !== undefined) return problem;
      if (!(value as string).includes('%s')) {
        return {
          code: 'missing-placeholder',
          message: `"${value as string}" has no %s`,
          hint: "HubSpot puts the call's external id where %s is, e.g. https://api.example.com/recordings/%s",
        };
      }
      return undefined;
    }
    case 'non-empty':
      if (value === '') return { code: 'invalid-value', message: `${field.name} must not be empty` };
      return (value as string).trim() === '' ? { code: 'invalid-value', message: `${field.name} must not be blank: it is only whitespace` } : undefined;
    case 'positive-integer':
      return (value as number) >= 1 && (value as number) <= INT32_MAX
        ? undefined
        : { code: 'invalid-value', message: `${field.name} must be a positive integer up to ${INT32_MAX} (HubSpot's int32), got ${describeValue(value)}` };
    case 'none':
      return undefined;
  }
}

/** Names a value for messages: `the string "x"`, `a list`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    return `the string "${cutText(value, 40)}"`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

/** The first `max` characters of `text` and `…`, cut between characters: never half of a surrogate pair, which JSON parsers refuse. */
function cutText(text: string, max: number): string {
  let end = 0;
  for (let count = 0; end < text.length && count < max; count++) end += (text.codePointAt(end) as number) > 0xffff ? 2 : 1;
  return end < text.length ? `${text.slice(0, end)}…` : text;
}

function phoneNumberFindings(
  numbers: readonly unknown[],
  list: readonly PathSegment[],
  check: (e164: string) => ReturnType<typeof checkPhoneNumber>,
  checked: (segments: PathSegment[]) => boolean,
  findings: Finding[],
): void {
  const listName = formatYamlPath(list);
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < numbers.length; i++) {
    const entry = numbers[i];
    if (!isRecord(entry)) continue;
    const { e164PhoneNumber: e164, extension, friendlyName } = entry;
    const hasExtension = typeof extension === 'string';
    const at = [...list, i, 'e164PhoneNumber'];
    if (typeof e164 === 'string' && checked(at)) {
      const problem = check(e164);
      if (problem !== undefined) findings.push({ ...problem, segments: at, at: 'value' });
      // An extension of the wrong type (the schema reports it) is no extension to compare: keyed as none it would add a false duplicate.
      if (extension === undefined || hasExtension) {
        const key = hasExtension ? `${e164}\u0000${extension}` : e164;
        const first = firstIndex.get(key);
        if (first === undefined) firstIndex.set(key, i);
        else {
          const what = hasExtension ? `"${e164}" with extension "${extension}"` : `"${e164}"`;
          findings.push(errorAt(at, 'duplicate-phone-number', `${what} is already listed as ${listName}[${first}]`, 'remove one of them'));
        }
      }
    }
    if (hasExtension) {
      findings.push(
        warningAt(
          [...list, i, 'extension'],
          'phone-extension',
          'HubSpot does not let users select a number with an extension',
          'remove the extension, or list the number without one',
        ),
      );
    }
    // Cheap pre-check: a string of at most 24 UTF-16 units has at most 24 code points.
    if (typeof friendlyName === 'string' && friendlyName.length > FRIENDLY_NAME_MAX) {
      const codePoints = [...friendlyName];
      if (codePoints.length > FRIENDLY_NAME_MAX) {
        findings.push(
          warningAt(
            [...list, i, 'friendlyName'],
            'friendly-name-too-long',
            `friendlyName has ${codePoints.length} characters; HubSpot truncates it to ${FRIENDLY_NAME_MAX}`,
            `users will see "${codePoints.slice(0, FRIENDLY_NAME_MAX).join('')}"`,
          ),
        );
      }
    }
  }
}

/** A URL problem, without its position. */
export interface UrlProblem {
  code: 'invalid-url' | 'insecure-url' | 'url-credentials';
  message: string;
  hint?: string;
}

// Spaces and C0 controls: WHATWG URL silently strips tabs and newlines, so
// the URL checked would not be the text HubSpot stores. holdsBeyondC0 adds
// DEL, C1 and the invisible and bidi characters that make one URL look like
// another (the joiners emoji and scripts need stay), as wherever input is shown.
const UNSAFE_IN_URL = /[\u0000-\u0020]/;

/**
 * A webhook, dialer or recording URL must be an absolute `https:` URL
 * without a user name or password; `http:` is accepted only for loopback
 * hosts (localhost, 127.0.0.0/8, [::1]) so local tests and the emulator
 * work. `example` is the URL the hint shows. No message quotes the
 * userinfo: it is a credential, and diagnostics reach CI logs.
 */
export function checkUrl(raw: string, example = 'https://calls.example.com/hubspot/channel-connection'): UrlProblem | undefined {
  // Only for messages, which need no exact text: anything that could be a
  // user name and password goes (most URLs have no `@`, and a fleet has thousands).
  const shown = () => redactUserinfo(raw);
  if (raw.trim() !== raw) {
    return { code: 'invalid-url', message: 'the URL has leading or trailing whitespace', hint: `write "${shown().trim()}"` };
  }
  if (UNSAFE_IN_URL.test(raw) || holdsBeyondC0(raw)) {
    return { code: 'invalid-url', message: `"${shown()}" contains a space, a control or an invisible character`, hint: 'percent-encode it, or remove it' };
  }
  let url: URL;
  try {
    // WHATWG URL repairs `https:///x` and `https:\\x` into other URLs; HubSpot stores the text as written.
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\\]/i.test(raw) || raw.includes('\\')) throw new TypeError('not absolute');
    url = new URL(raw);
  } catch {
    return {
      code: 'invalid-url',
      message: `"${shown()}" is not an absolute URL`,
      hint: `write the full URL HubSpot calls, e.g. ${example}`,
    };
  }
  if (EMPTY_PORT.test(raw)) {
    return { code: 'invalid-url', message: `"${shown()}" has an empty port (a \`:\` with no number after the host)`, hint: `write the port, or leave out the \`:\`, e.g. ${example}` };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      code: 'url-credentials',
      message: `"${shown()}" holds a user name or password; every plan, saved plan and PR comment would show it`,
      hint: `write "${urlWithoutUserinfo(url)}", and let the server check HubSpot's request signature (as \`hscc serve\` does) or its own login instead`,
    };
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return undefined;
    return {
      code: 'insecure-url',
      message: `"${raw}" uses http: on a host that is not loopback`,
      hint: `use https: ("https:${raw.slice('http:'.length)}"); http: is only for localhost, 127.0.0.0/8 and [::1]`,
    };
  }
  return { code: 'invalid-url', message: `"${raw}" uses ${url.protocol}; HubSpot calls https: URLs` };
}

function isLoopback(hostname: string): boolean {
  // WHATWG URL already normalised 127.1 and 0x7f.0.0.1 to dotted decimal;
  // anchored, so 127.0.0.1.evil.example is not loopback.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
