// HubSpot request signatures, version 3 ("Validating requests from HubSpot"):
// base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)).
// Pure: the clock is a parameter, failures are values.
import { createHmac, timingSafeEqual } from 'node:crypto';
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

export interface SignatureInput {
  /** The app's client secret. */
  secret: string;
  /** HTTP method, upper case (HubSpot calls with POST). */
  method: string;
  /** The full URL HubSpot calls; decoded here per HubSpot's table. */
  uri: string;
  /** The raw request body; bytes are signed as sent (UTF-8 for strings). */
  body: string | Uint8Array;
  /** The X-HubSpot-Request-Timestamp value, verbatim. */
  timestamp: string;
}

/** base64(HMAC-SHA256(secret, method + decodedUri + body + timestamp)). */
export function computeSignatureV3(input: SignatureInput): string {
  // Updating in parts equals hashing the concatenated UTF-8 string, and keeps
  // a body that is not valid UTF-8 byte-exact.
  return createHmac('sha256', input.secret)
    .update(input.method + decodeSignedUri(input.uri))
    .update(input.body)
    .update(input.timestamp)
    .digest('base64');
}

/** Headers HubSpot would send with a request, keyed as HubSpot spells them. */
export interface SignedHeadersV3 {
  'X-HubSpot-Signature-v3': string;
  'X-HubSpot-Request-Timestamp': string;
}

export interface SignRequestOptions {
  secret: string;
  method: string;
  uri: string;
  body: string | Uint8Array;
  /** Signing time, epoch milliseconds. */
  now: number;
}

/** Signs a request exactly as HubSpot does (used by `probe` and tests). */
export function signRequestV3(options: SignRequestOptions): SignedHeadersV3 {
  const timestamp = String(Math.trunc(options.now));
  return {
    'X-HubSpot-Signature-v3': computeSignatureV3({ ...options, timestamp }),
    'X-HubSpot-Request-Timestamp': timestamp,
  };
}

export type SignatureFailure = 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature';

export type SignatureVerdict = { ok: true } | { ok: false; reason: SignatureFailure };

// Shared verdicts: `serve` checks every request, and these never change.
const VALID: SignatureVerdict = Object.freeze({ ok: true });
const INVALID: Readonly<Record<SignatureFailure, SignatureVerdict>> = Object.freeze({
  'missing-headers': Object.freeze({ ok: false, reason: 'missing-headers' }),
  'bad-timestamp': Object.freeze({ ok: false, reason: 'bad-timestamp' }),
  'stale-timestamp': Object.freeze({ ok: false, reason: 'stale-timestamp' }),
  'bad-signature': Object.freeze({ ok: false, reason: 'bad-signature' }),
});

export interface VerifyOptions {
  secret: string;
  method: string;
  /** The URL HubSpot called (`--public-url` or the app's settings.url). */
  uri: string;
  body: string | Uint8Array;
  /** X-HubSpot-Signature-v3 as received; undefined when absent. */
  signature: string | undefined;
  /** X-HubSpot-Request-Timestamp as received; undefined when absent. */
  timestamp: string | undefined;
  /** Current time, epoch milliseconds. */
  now: number;
  /** Allowed clock difference either way, ms (default 5 minutes). */
  maxSkewMs?: number;
}

const TIMESTAMP_FORMAT = /^\d{1,15}$/;
// A SHA-256 digest in canonical base64: 43 characters and one '=' pad.
const SIGNATURE_FORMAT = /^[A-Za-z0-9+/]{43}=$/;

/** What changes per request once the secret, method and URI are fixed. */
export interface SignedRequest {
  body: string | Uint8Array;
  signature: string | undefined;
  timestamp: string | undefined;
  /** Current time, epoch milliseconds. */
  now: number;
}

export interface VerifierOptions {
  secret: string;
  method: string;
  /** The URL HubSpot called; decoded once here per HubSpot's table. */
  uri: string;
  /** Allowed clock difference either way, ms (default 5 minutes). */
  maxSkewMs?: number;
}

/**
 * A verifier for one (secret, method, URI): the key and the signed prefix are
 * prepared once, so `serve` does only the HMAC of body + timestamp per
 * request. Compares raw digest bytes in constant time; never throws.
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
    if (Math.abs(now - Number(timestamp)) > maxSkewMs) return INVALID['stale-timestamp'];
    if (!SIGNATURE_FORMAT.test(signature)) return INVALID['bad-signature'];
    // SIGNATURE_FORMAT admits exactly 32 bytes of base64.
    received.write(signature, 'base64');
    const expected = hmac(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, timestamp);
    return timingSafeEqual(received, expected) ? VALID : INVALID['bad-signature'];
  };
}

/** Checks a v3 signature and its timestamp; never throws for bad input. */
export function verifySignatureV3(options: VerifyOptions): SignatureVerdict {
  return createSignatureVerifier(options)(options);
}
