const SECRET_ENV = /^(HUBSPOT_DEVELOPER_API_KEY|HUBSPOT_ACCESS_TOKEN|HUBSPOT_CLIENT_SECRET(_\d+)?)$/;

/** What a secret is replaced with, wherever it appears. */
export const REDACTED = '[REDACTED]';

// Everything from after a known scheme and its slashes to the last `@`: a
// user name and password whether or not the text parses as a URL (one
// slash, a raw `/` or `#` in the password, no scheme; in `alice:/pw@host`
// "alice" is no scheme but the user name). Past an `@` in a path it takes
// more than the userinfo, which for a message is the safe side.
const USERINFO = /^(\s*(?:(?:https?|wss?|ftp|file):[\\/]+)?)[\s\S]*@/i;

/**
 * `text` as a message may quote it: whatever could be a URL's user name and
 * password (they are credentials) replaced by `by`, so
 * `https://[REDACTED]@host/…` unless another replacement is given.
 */
export function redactUserinfo(text: string, by = `${REDACTED}@`): string {
  return text.includes('@') ? text.replace(USERINFO, (_match, head: string) => head + by) : text;
}

/**
 * A URL value as hscc may hold and show it: kept as it is when it parses
 * without a user name or password (an `@` in its path or query is no
 * credential), otherwise redacted as a message would be.
 */
export function redactUrlValue(value: string, by = `${REDACTED}@`): string {
  if (!value.includes('@')) return value;
  try {
    const url = new URL(value);
    if (url.username === '' && url.password === '' && !EMPTY_PORT.test(value)) return value;
  } catch {
    // Unparseable: it may still hold one.
  }
  return redactUserinfo(value, by);
}

/**
 * An authority that ends in `:` (an empty port). A parser reads
 * `https://user:#pw@host` that way, the password as a fragment, so such
 * text counts as holding credentials.
 */
export const EMPTY_PORT = /^\s*[a-z][a-z0-9+.-]*:[\\/]*[^/?#\\]*:(?=[/?#\\]|\s*$)/i;

/** `url` without its user name and password, for a hint that shows what to write. */
export function urlWithoutUserinfo(url: URL): string {
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return bare.href;
}

/**
 * Values shorter than this (in UTF-16 units) are not scrubbed. HubSpot's
 * credentials are far longer (developer API keys and client secrets are
 * 36-character UUIDs, access tokens `pat-na1-…` 44 characters), so a shorter
 * value is a placeholder such as `k`, and scrubbing it would garble ordinary
 * text (`No chang[REDACTED]s.`) while protecting nothing. Eight characters
 * keeps every real credential covered.
 */
export const MIN_SECRET_LENGTH = 8;

// HubSpot's keys, tokens and client secrets are UUIDs and `pat-…` strings:
// no control or invisible format character (a pasted zero-width space, say).
// A CI or Kubernetes secret saved with `echo` ends in a newline, which Node
// refuses in a header (ERR_INVALID_CHAR, read as "could not reach") and
// which makes every webhook signature wrong.
const NOT_IN_A_SECRET = /[\p{Cc}\p{Cf}]/u;

/** What is wrong with a secret's text, never quoting it (`ends with a line break`); undefined when nothing is. */
export function secretMalformation(value: string): string | undefined {
  const at = value.search(NOT_IN_A_SECRET);
  if (at < 0) return undefined;
  if (/^[\r\n]+$/.test(value.slice(at))) return 'ends with a line break';
  return `holds a control or invisible character (at position ${at + 1} of ${value.length})`;
}

export const MALFORMED_SECRET_HINT =
  "HubSpot's credentials and client secrets hold no such character: store the secret without it (printf '%s' adds no newline where echo does), then run hscc again.";

/** Every secret value present in the environment (API key, tokens, client secrets). */
export function secretValuesFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV.test(name) && value !== undefined && value !== '') values.push(value);
  }
  return values;
}

/**
 * The usual spellings of `secret` in output: raw, percent-encoded as
 * `encodeURIComponent` writes it and as a form (`URLSearchParams`, `+` for a
 * space) writes it, each with upper- and lower-case hex, and JSON-escaped.
 * Duplicates removed. For tests and checks; the scrubber matches more (any
 * mix of these per character).
 */
export function encodingsOf(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice('s='.length);
  const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return [...new Set([secret, percent, lowerHex(percent), form, lowerHex(form), JSON.stringify(secret).slice(1, -1)])];
}

/**
 * Returns a function that replaces every occurrence of the secrets with
 * [REDACTED]. Each character of a secret may appear raw, percent-encoded
 * (its UTF-8 bytes, hex in either case), as `+` for a space (form encoding)
 * or JSON-escaped (`\"`, `\/`, `\uXXXX` in either case), in any mix, so an
 * echo by a server, a query string, a JSON file or a log line is caught
 * alike; so are its first MIN_SECRET_LENGTH or more characters followed by
 * "…" or by a quote, a secret cut short for display. A secret appearing several times is
 * replaced every time; where secrets overlap or one contains another, the
 * whole covered span becomes one [REDACTED]. Secrets shorter than
 * MIN_SECRET_LENGTH are left alone. With `value`, the text is one value,
 * and a secret cut at its end counts too.
 */
export function createScrubber(secrets: readonly string[], options: { value?: boolean } = {}): (text: string) => string {
  const unique = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))];
  if (unique.length === 0) return (text) => text;
  // A value (not a message) may also end where a secret was cut: a friendlyName cut to HubSpot's 24 characters.
  const cutEnd = options.value === true ? `(?:${CUT_END}|$)` : CUT_END;
  const patterns = unique.flatMap((secret) => {
    const characters = [...secret].map(characterPattern);
    return [new RegExp(characters.join(''), 'g'), new RegExp(`${cutPattern(characters)}${cutEnd}`, 'g')];
  });
  return (text) => {
    const spans: Array<[number, number]> = [];
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      // Every secret is at least MIN_SECRET_LENGTH characters, so each match
      // is non-empty; stepping one past its start also finds overlapping ones.
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        spans.push([match.index, match.index + match[0].length]);
        pattern.lastIndex = match.index + 1;
      }
    }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [start, stop] of spans) {
      const last = merged.at(-1);
      if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], stop);
      else merged.push([start, stop]);
    }
    let out = '';
    let cursor = 0;
    for (const [start, stop] of merged) {
      out += text.slice(cursor, start) + REDACTED;
      cursor = stop;
    }
    return out + text.slice(cursor);
  };
}

// hscc shortens long values for display with a trailing "…" (a config
// value in a diagnostic, a webhook's answer), and quotes values cut to a
// length (a friendlyName as HubSpot truncates it, `"…24 characters"`); a
// secret cut either way must go too. The quote, raw or JSON-escaped, stays.
const CUT_END = '(?:…|(?=\\\\?"))';

/**
 * A regex fragment matching the first MIN_SECRET_LENGTH or more characters
 * of a secret (given as per-character fragments): `a b c (?:d (?:e)?)?`.
 */
function cutPattern(characters: readonly string[]): string {
  let optional = '';
  for (let index = characters.length - 1; index >= MIN_SECRET_LENGTH; index--) optional = `(?:${characters[index]}${optional})?`;
  return characters.slice(0, MIN_SECRET_LENGTH).join('') + optional;
}

/** A regex fragment matching one code point of a secret in any of its encodings. */
function characterPattern(character: string): string {
  const forms = [escapeRegExp(character)];
  const bytes = [...new TextEncoder().encode(character)];
  forms.push(bytes.map((byte) => `%${hexPattern(byte, 2)}`).join(''));
  if (character === ' ') forms.push('\\+');
  const units = [...Array(character.length).keys()].map((index) => character.charCodeAt(index));
  forms.push(units.map((unit) => `\\\\u${hexPattern(unit, 4)}`).join(''));
  const short = JSON_SHORT_ESCAPES[character];
  if (short !== undefined) forms.push(escapeRegExp(short));
  return `(?:${forms.join('|')})`;
}

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** `value` as `digits` hex digits, each letter matching either case. */
function hexPattern(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, '0')].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
