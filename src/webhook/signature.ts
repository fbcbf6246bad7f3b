// HubSpot request signatures, version 3 ("Validating requests from HubSpot"):
// base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)).
// Pure: the clock is a parameter, failures are values. This is the one
// implementation behind `serve`, `probe` and the library entry.
import { timingSafeEqual } from 'node:crypto';
import { createPrefixedHmacSha256 } from './prefixed-hmac.js';

/** Header carrying the base64 signature (Node lower-cases incoming names). */
export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
/** Header carrying the signing time, epoch milliseconds as decimal digits. */
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot: reject requests whose timestamp is more than 5 minutes old; we also reject 5 minutes ahead. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;

// HubSpot decodes exactly these 12 escapes in the URI before signing, and
// leaves every other %XX as sent. Lowercase hex is the same escape.
const DECODED_ESCAPES: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};
const ESCAPE_PATTERN = /%(3[AaFfBb]|2[FfAaCc147-9]|40)/g;

/**
 * The URI as HubSpot signs it: the full URL (scheme, host, path, query) with
 * the 12 escapes of HubSpot's table decoded and everything else untouched.
 */
export function decodeSignedUri(uri: string): string {
  return uri.replace(ESCAPE_PATTERN, (match, hex: string) => DECODED_ESCAPES[hex.toUpperCase()] ?? match);
}

/** Why a request's signature was not accepted (the codes `serve` answers with). */
export type SignatureFailure = 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature';

/**
 * The verdict on one request. `detail` says which argument was unusable when
 * the caller passed something that is not a request (a body that is not a
 * string or bytes, a relative URL…); it never contains the secret.
 */
export type SignatureVerdict = { ok: true } | { ok: false; reason: SignatureFailure; detail?: string };

// Shared verdicts: `serve` checks every request, and these never change.
const VALID: SignatureVerdict = Object.freeze({ ok: true });
const INVALID: Readonly<Record<SignatureFailure, SignatureVerdict>> = Object.freeze({
  'missing-headers': Object.freeze({ ok: false, reason: 'missing-headers' }),
  'bad-timestamp': Object.freeze({ ok: false, reason: 'bad-timestamp' }),
  'stale-timestamp': Object.freeze({ ok: false, reason: 'stale-timestamp' }),
  'bad-signature': Object.freeze({ ok: false, reason: 'bad-signature' }),
});

function unusable(reason: SignatureFailure, detail: string): SignatureVerdict {
  return { ok: false, reason, detail };
}

const TIMESTAMP_FORMAT = /^\d{1,15}$/;
// A SHA-256 digest in canonical base64: 43 characters and one '=' pad. The
// last character carries 4 bits and 2 zero bits, so only 16 letters fit
// there; another one decodes to the same bytes and would let a valid
// signature be altered and still pass.
const SIGNATURE_FORMAT = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const ABSOLUTE_HTTP_URL = /^https?:\/\/[^/?#]/i;

/** What changes per request once the secret, method and URI are fixed. */
export interface SignedRequest {
  /** The raw body, as received. */
  body: Uint8Array;
  /** X-HubSpot-Signature-v3 as received; undefined when absent. */
  signature: string | undefined;
  /** X-HubSpot-Request-Timestamp as received; undefined when absent. */
  timestamp: string | undefined;
  /** Current time, epoch milliseconds. */
  now: number;
}

export interface VerifierOptions {
  /** The app's client secret (non-empty). */
  secret: string;
  /** HTTP method, upper case (HubSpot calls with POST). */
  method: string;
  /** The URL HubSpot called; decoded once here per HubSpot's table. */
  uri: string;
  /** Allowed clock difference either way, ms (default 5 minutes). */
  maxSkewMs?: number;
}

/**
 * A verifier for one (secret, method, URI): the key and the signed prefix are
 * prepared once, so `serve` does only the HMAC of body + timestamp per
 * request. Checks, in order: both headers present, the timestamp is epoch
 * ms digits, it is within the skew either way, the signature is canonical
 * base64 of 32 bytes and equals the expected digest (constant-time compare
 * of raw bytes). Never throws for any request.
 */
export function createSignatureVerifier(options: VerifierOptions): (request: SignedRequest) => SignatureVerdict {
  const hmac = createPrefixedHmacSha256(Buffer.from(options.secret, 'utf8'), Buffer.from(options.method + decodeSignedUri(options.uri), 'utf8'));
  const maxSkewMs = options.maxSkewMs ?? MAX_TIMESTAMP_SKEW_MS;
  const received = Buffer.alloc(32);
  return ({ body, signature, timestamp, now }) => {
    if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '') {
      return INVALID['missing-headers'];
    }
    if (!TIMESTAMP_FORMAT.test(timestamp)) return INVALID['bad-timestamp'];
    // Not `>` alone: a NaN clock must fail closed too.
    if (!(Math.abs(now - Number(timestamp)) <= maxSkewMs)) return INVALID['stale-timestamp'];
    if (!SIGNATURE_FORMAT.test(signature)) return INVALID['bad-signature'];
    // SIGNATURE_FORMAT admits exactly 32 bytes of base64.
    received.write(signature, 'base64');
    return timingSafeEqual(received, hmac(body, timestamp)) ? VALID : INVALID['bad-signature'];
  };
}

/** A Node-style headers object (`req.headers`), or anything with `get(name)` such as fetch's `Headers`. */
export type HeadersLike =
  | Readonly<Record<string, string | readonly string[] | number | undefined>>
  | { get(name: string): string | null | undefined };

/** Arguments of {@link verifySignatureV3}. */
export interface VerifySignatureV3Options {
  /** The request's method (HubSpot calls with `POST`). */
  method: string;
  /** The full public URL HubSpot called (behind a proxy: the URL before it), absolute. */
  url: string;
  /** The raw body exactly as received: a string (UTF-8) or bytes. Not re-serialised JSON. */
  body: string | Uint8Array;
  /** The request headers; names in any case. */
  headers: HeadersLike;
  /** The app's client secret. */
  clientSecret: string;
  /** Current time, epoch milliseconds (default `Date.now()`). */
  now?: number;
}

/**
 * Verifies HubSpot's v3 signature of a request: the 12-escape decode table
 * on the URL, timestamps more than 5 minutes old or ahead rejected, a
 * constant-time compare. Never throws: an unusable argument gives
 * `{ ok: false, reason, detail }`.
 */
export function verifySignatureV3(options: VerifySignatureV3Options): SignatureVerdict {
  try {
    if (typeof options !== 'object' || options === null) return unusable('bad-signature', 'the options must be an object');
    const { method, url, body, headers, clientSecret } = options;
    const now = options.now === undefined ? Date.now() : options.now;
    if (typeof headers !== 'object' || headers === null) return unusable('missing-headers', 'headers must be an object');
    const signature = readHeader(headers, SIGNATURE_HEADER);
    const timestamp = readHeader(headers, TIMESTAMP_HEADER);
    if (typeof now !== 'number' || !Number.isFinite(now)) return unusable('stale-timestamp', 'now must be epoch milliseconds');
    if (typeof method !== 'string' || method === '') return unusable('bad-signature', 'method must be a non-empty string');
    if (typeof url !== 'string' || !ABSOLUTE_HTTP_URL.test(url) || !URL.canParse(url)) {
      return unusable('bad-signature', 'url must be the absolute http(s) URL HubSpot called');
    }
    if (typeof clientSecret !== 'string' || clientSecret === '') return unusable('bad-signature', 'clientSecret must be a non-empty string');
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof Uint8Array ? body : undefined;
    if (bytes === undefined) return unusable('bad-signature', 'body must be the raw body as a string or Buffer');
    return createSignatureVerifier({ secret: clientSecret, method, uri: url })({ body: bytes, signature, timestamp, now });
  } catch {
    // A getter or Proxy in the arguments that throws: still a verdict, never an exception.
    return unusable('bad-signature', 'the arguments could not be read');
  }
}

/** A header's value by case-insensitive name; repeated headers are joined as Node joins them. */
function readHeader(headers: HeadersLike, lowerName: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): unknown }).get(lowerName);
    return typeof value === 'string' ? value : undefined;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  // Node lower-cases incoming names: the common case needs no scan.
  let value = Object.hasOwn(record, lowerName) ? record[lowerName] : undefined;
  if (value === undefined) {
    for (const name of Object.keys(record)) {
      if (name.toLowerCase() === lowerName) {
        value = record[name];
        break;
      }
    }
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return undefined;
}

/**
 * Headers HubSpot would send with a request, keyed as HubSpot spells them.
 * A type alias, not an interface, so it can be passed wherever a headers
 * record is expected (verifySignatureV3, fetch, node:http).
 */
export type SignedHeadersV3 = {
  'X-HubSpot-Signature-v3': string;
  'X-HubSpot-Request-Timestamp': string;
};

/** Arguments of {@link signRequestV3}. */
export interface SignRequestV3Options {
  method: string;
  /** The full URL the request goes to (what HubSpot would call). */
  url: string;
  /** The exact body bytes that will be sent (string: UTF-8). */
  body: string | Uint8Array;
  clientSecret: string;
  /** Signing time, epoch milliseconds (default `Date.now()`). */
  timestamp?: number;
}

/**
 * Signs a request exactly as HubSpot does, for tests and probes.
 * @throws TypeError when an argument is not usable (signing is never done on untrusted input).
 */
export function signRequestV3(options: SignRequestV3Options): SignedHeadersV3 {
  if (typeof options !== 'object' || options === null) throw new TypeError('signRequestV3: expected an options object { method, url, body, clientSecret, timestamp? }');
  const { method, url, body, clientSecret } = options;
  const time = options.timestamp ?? Date.now();
  if (typeof method !== 'string' || method === '') throw new TypeError('signRequestV3: method must be a non-empty string');
  if (typeof url !== 'string' || !ABSOLUTE_HTTP_URL.test(url)) throw new TypeError('signRequestV3: url must be an absolute http(s) URL');
  if (typeof clientSecret !== 'string' || clientSecret === '') throw new TypeError('signRequestV3: clientSecret must be a non-empty string');
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('signRequestV3: body must be a string or Buffer');
  if (typeof time !== 'number' || !Number.isSafeInteger(Math.trunc(time)) || time < 0) {
    throw new TypeError('signRequestV3: timestamp must be epoch milliseconds');
  }
  const timestamp = String(Math.trunc(time));
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const digest = createPrefixedHmacSha256(Buffer.from(clientSecret, 'utf8'), Buffer.from(method + decodeSignedUri(url), 'utf8'))(bytes, timestamp);
  return { 'X-HubSpot-Signature-v3': digest.toString('base64'), 'X-HubSpot-Request-Timestamp': timestamp };
}
