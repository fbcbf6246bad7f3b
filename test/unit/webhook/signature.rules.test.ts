// Rules of v3 request signatures, through the exported sign / verify functions.
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier, decodeSignedUri, signRequestV3, verifySignatureV3 } from '../../../src/webhook/signature.js';

const SECRET = 'rules-client-secret';
const NOW = 1_732_449_600_000;
const URL_CALLED = 'https://calls.example.com/hubspot/hook?portal=%3A42';
const BODY = '{"appId":1234567,"portalId":42,"userId":7}';

const signed = signRequestV3({ clientSecret: SECRET, method: 'POST', url: URL_CALLED, body: BODY, timestamp: NOW });
const SIGNATURE = signed['X-HubSpot-Signature-v3'];
const TIMESTAMP = signed['X-HubSpot-Request-Timestamp'];
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A request as received: the two headers by value (undefined: not sent), the rest as verifySignatureV3 takes it. */
interface Received {
  method: string;
  url: string;
  body: string | Uint8Array;
  clientSecret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  now: number;
}
const good: Received = { method: 'POST', url: URL_CALLED, body: BODY, clientSecret: SECRET, signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW };

function verify(changes: Partial<Received> = {}) {
  const { signature, timestamp, ...rest } = { ...good, ...changes };
  const headers: Record<string, string> = {};
  if (signature !== undefined) headers['x-hubspot-signature-v3'] = signature;
  if (timestamp !== undefined) headers['x-hubspot-request-timestamp'] = timestamp;
  return verifySignatureV3({ ...rest, headers });
}

describe('the signed URI', () => {
  // HubSpot's table ("Validating requests from HubSpot", v3).
  const TABLE: [string, string][] = [
    ['3A', ':'], ['2F', '/'], ['3F', '?'], ['40', '@'], ['21', '!'], ['24', '$'],
    ['27', "'"], ['28', '('], ['29', ')'], ['2A', '*'], ['2C', ','], ['3B', ';'],
  ];

  it('each escape of HubSpot’s table decodes to its character, in either case', () => {
    for (const [hex, char] of TABLE) {
      expect(decodeSignedUri(`https://x.test/a%${hex}b`), hex).toBe(`https://x.test/a${char}b`);
      expect(decodeSignedUri(`https://x.test/a%${hex.toLowerCase()}b`), hex).toBe(`https://x.test/a${char}b`);
    }
  });

  it('a request signed over the decoded URI verifies against the encoded one', () => {
    for (const [hex, char] of TABLE) {
      const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: `https://x.test/q${char}r`, body: BODY, timestamp: NOW });
      const verdict = verify({
        url: `https://x.test/q%${hex}r`,
        signature: headers['X-HubSpot-Signature-v3'],
        timestamp: headers['X-HubSpot-Request-Timestamp'],
      });
      expect(verdict, hex).toEqual({ ok: true });
    }
  });
});

describe('verifySignatureV3: what fails', () => {
  it('an empty signature header fails as missing', () => {
    expect(verify({ signature: '' })).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('an empty timestamp header fails as missing', () => {
    expect(verify({ timestamp: '' })).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('a request with neither header fails as missing', () => {
    expect(verify({ signature: undefined, timestamp: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('any one-character change of the signature fails, in its padding bits too', () => {
    // The last data character carries 2 padding bits: +1 to +3 there decodes to the same bytes.
    for (let i = 0; i < 43; i++) {
      for (const step of i === 42 ? [1, 2, 3, 4] : [1]) {
        const original = SIGNATURE[i] ?? '';
        const replacement = BASE64[(BASE64.indexOf(original) + step) % 64] ?? '';
        const tampered = SIGNATURE.slice(0, i) + replacement + SIGNATURE.slice(i + 1);
        expect(verify({ signature: tampered }), `position ${i} +${step}`).toEqual({ ok: false, reason: 'bad-signature' });
      }
    }
  });

  it('any one-byte change of the body fails', () => {
    const bytes = Buffer.from(BODY);
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      expect(verify({ body: tampered }), `byte ${i}`).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a signature re-used with another timestamp fails', () => {
    expect(verify({ timestamp: String(NOW + 1) })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('a signature not in canonical base64 fails, without throwing', () => {
    for (const signature of [` ${SIGNATURE}`, `${SIGNATURE} `, SIGNATURE.slice(0, 43), `${SIGNATURE.slice(0, 43)}==`, `x${SIGNATURE}`, `${SIGNATURE}x`, `${SIGNATURE.slice(0, 42)}-=`]) {
      expect(verify({ signature }), signature).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a timestamp with anything but digits around it is not a timestamp', () => {
    for (const timestamp of [`x${TIMESTAMP}`, `${TIMESTAMP}x`, `${TIMESTAMP} `, `+${TIMESTAMP}`, '0x19374']) {
      expect(verify({ timestamp }), timestamp).toEqual({ ok: false, reason: 'bad-timestamp' });
    }
  });

  it('a timestamp of over 15 digits is not a timestamp; 15 digits is, if stale', () => {
    expect(verify({ timestamp: '1'.repeat(16) })).toEqual({ ok: false, reason: 'bad-timestamp' });
    expect(verify({ timestamp: '1'.repeat(15) })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });
});

describe('verifySignatureV3: what holds', () => {
  it('a byte body verifies like its text', () => {
    expect(verify({ body: new Uint8Array(Buffer.from(BODY)) })).toEqual({ ok: true });
  });

  it('5 minutes of clock difference either way is accepted, one millisecond more is stale', () => {
    const FIVE_MINUTES = 5 * 60 * 1000;
    expect(verify({ now: NOW + FIVE_MINUTES })).toEqual({ ok: true });
    expect(verify({ now: NOW - FIVE_MINUTES })).toEqual({ ok: true });
    expect(verify({ now: NOW + FIVE_MINUTES + 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verify({ now: NOW - FIVE_MINUTES - 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('signing at a fractional millisecond sends whole epoch milliseconds that verify', () => {
    const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: URL_CALLED, body: BODY, timestamp: NOW + 0.75 });
    expect(headers['X-HubSpot-Request-Timestamp']).toBe(String(NOW));
    expect(verify({ signature: headers['X-HubSpot-Signature-v3'], timestamp: headers['X-HubSpot-Request-Timestamp'] })).toEqual({ ok: true });
  });
});

describe('createSignatureVerifier', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  it('gives each request its own verdict, whatever came before', () => {
    const verifier = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: URL_CALLED });
    const other = signRequestV3({ clientSecret: SECRET, method: 'POST', url: URL_CALLED, body: '{}', timestamp: NOW });
    const requests = [
      { request: { body: bytes(BODY), signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW }, ok: true },
      { request: { body: bytes('{}'), signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW }, ok: false },
      { request: { body: bytes('{}'), signature: other['X-HubSpot-Signature-v3'], timestamp: other['X-HubSpot-Request-Timestamp'], now: NOW }, ok: true },
      { request: { body: bytes(BODY), signature: 'short', timestamp: TIMESTAMP, now: NOW }, ok: false },
      { request: { body: bytes(BODY), signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW }, ok: true },
    ];
    for (const [i, { request, ok }] of requests.entries()) {
      expect(verifier(request).ok, `request ${i}`).toBe(ok);
    }
  });

  it('the allowed skew can be narrowed, and holds either way up to its bound', () => {
    const verifier = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: URL_CALLED, maxSkewMs: 1000 });
    const at = (now: number) => verifier({ body: bytes(BODY), signature: SIGNATURE, timestamp: TIMESTAMP, now });
    expect(at(NOW + 1000)).toEqual({ ok: true });
    expect(at(NOW - 1000)).toEqual({ ok: true });
    expect(at(NOW + 1001)).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(at(NOW - 1001)).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('agrees with verifySignatureV3 at the default skew', () => {
    const verifier = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: URL_CALLED });
    for (const now of [NOW, NOW + 300_000, NOW + 300_001, NOW - 300_001]) {
      expect(verifier({ body: bytes(BODY), signature: SIGNATURE, timestamp: TIMESTAMP, now }), String(now)).toEqual(verify({ now }));
    }
  });

  it('a clock that is not a number fails closed as stale', () => {
    const verifier = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: URL_CALLED });
    expect(verifier({ body: bytes(BODY), signature: SIGNATURE, timestamp: TIMESTAMP, now: Number.NaN })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });
});

describe('verifySignatureV3: arguments that are not a request', () => {
  const args = { method: 'POST', url: URL_CALLED, body: BODY, clientSecret: SECRET, now: NOW, headers: { 'x-hubspot-signature-v3': SIGNATURE, 'x-hubspot-request-timestamp': TIMESTAMP } };
  const call = (changes: Record<string, unknown>) => verifySignatureV3({ ...args, ...changes } as never);

  it('each unusable argument gives its reason and names the argument, never the secret', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ headers: null }, 'missing-headers', /^headers must be an object$/],
      [{ headers: 'x' }, 'missing-headers', /^headers must be an object$/],
      [{ now: Number.NaN }, 'stale-timestamp', /^now must be epoch milliseconds$/],
      [{ now: '1' }, 'stale-timestamp', /^now must be epoch milliseconds$/],
      [{ method: '' }, 'bad-signature', /^method must be a non-empty string$/],
      [{ method: 1 }, 'bad-signature', /^method must be a non-empty string$/],
      [{ url: '/relative' }, 'bad-signature', /^url must be the absolute http\(s\) URL HubSpot called$/],
      [{ url: 7 }, 'bad-signature', /^url must be the absolute/],
      [{ url: 'https://[bad' }, 'bad-signature', /^url must be the absolute/],
      [{ clientSecret: '' }, 'bad-signature', /^clientSecret must be a non-empty string$/],
      [{ clientSecret: 5 }, 'bad-signature', /^clientSecret must be a non-empty string$/],
      [{ body: { a: 1 } }, 'bad-signature', /^body must be the raw body as a string or Buffer$/],
    ];
    for (const [changes, reason, detail] of cases) {
      const verdict = call(changes);
      expect(verdict, JSON.stringify(changes)).toMatchObject({ ok: false, reason });
      expect(verdict.ok === false && verdict.detail, JSON.stringify(changes)).toMatch(detail);
      expect(JSON.stringify(verdict)).not.toContain(SECRET);
    }
  });

  it('options that are not an object, or that throw when read, are a verdict too', () => {
    expect(verifySignatureV3(null as never)).toEqual({ ok: false, reason: 'bad-signature', detail: 'the options must be an object' });
    expect(verifySignatureV3('x' as never)).toEqual({ ok: false, reason: 'bad-signature', detail: 'the options must be an object' });
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(verifySignatureV3(hostile as never)).toEqual({ ok: false, reason: 'bad-signature', detail: 'the arguments could not be read' });
  });

  it('without now, the clock decides', () => {
    const fresh = signRequestV3({ clientSecret: SECRET, method: 'POST', url: URL_CALLED, body: BODY });
    const headers = { 'x-hubspot-signature-v3': fresh['X-HubSpot-Signature-v3'], 'x-hubspot-request-timestamp': fresh['X-HubSpot-Request-Timestamp'] };
    expect(verifySignatureV3({ method: 'POST', url: URL_CALLED, body: BODY, clientSecret: SECRET, headers })).toEqual({ ok: true });
    expect(call({ now: undefined })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('headers are read by name in any case, from fetch-style Headers, as numbers, or joined when repeated', () => {
    expect(call({ headers: { 'X-HubSpot-Signature-V3': SIGNATURE, 'X-HUBSPOT-REQUEST-TIMESTAMP': TIMESTAMP } })).toEqual({ ok: true });
    expect(call({ headers: new Headers({ 'X-HubSpot-Signature-v3': SIGNATURE, 'X-HubSpot-Request-Timestamp': TIMESTAMP }) })).toEqual({ ok: true });
    expect(call({ headers: { 'x-hubspot-signature-v3': SIGNATURE, 'x-hubspot-request-timestamp': NOW } })).toEqual({ ok: true });
    expect(call({ headers: { 'x-hubspot-signature-v3': [SIGNATURE], 'x-hubspot-request-timestamp': [TIMESTAMP] } })).toEqual({ ok: true });
    expect(call({ headers: { 'x-hubspot-signature-v3': [SIGNATURE, SIGNATURE], 'x-hubspot-request-timestamp': TIMESTAMP } })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(call({ headers: { 'x-hubspot-signature-v3': [SIGNATURE, 1], 'x-hubspot-request-timestamp': TIMESTAMP } })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(call({ headers: { 'x-hubspot-signature-v3': true, 'x-hubspot-request-timestamp': TIMESTAMP } })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(call({ headers: { get: () => null } })).toEqual({ ok: false, reason: 'missing-headers' });
  });
});

describe('signRequestV3: it signs only what it can', () => {
  const args = { method: 'POST', url: URL_CALLED, body: BODY, clientSecret: SECRET, timestamp: NOW };
  it('refuses each unusable argument with a TypeError naming it', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ method: '' }, /^signRequestV3: method must be a non-empty string$/],
      [{ method: 3 }, /^signRequestV3: method must be a non-empty string$/],
      [{ url: 'calls.example.com/x' }, /^signRequestV3: url must be an absolute http\(s\) URL$/],
      [{ url: 3 }, /^signRequestV3: url must be an absolute/],
      [{ clientSecret: '' }, /^signRequestV3: clientSecret must be a non-empty string$/],
      [{ clientSecret: 1 }, /^signRequestV3: clientSecret must be a non-empty string$/],
      [{ body: 5 }, /^signRequestV3: body must be a string or Buffer$/],
      [{ timestamp: -1 }, /^signRequestV3: timestamp must be epoch milliseconds$/],
      [{ timestamp: Number.NaN }, /^signRequestV3: timestamp must be epoch milliseconds$/],
      [{ timestamp: 2 ** 60 }, /^signRequestV3: timestamp must be epoch milliseconds$/],
      [{ timestamp: '5' }, /^signRequestV3: timestamp must be epoch milliseconds$/],
    ];
    for (const [changes, message] of cases) {
      expect(() => signRequestV3({ ...args, ...changes } as never), JSON.stringify(changes)).toThrow(TypeError);
      expect(() => signRequestV3({ ...args, ...changes } as never), JSON.stringify(changes)).toThrow(message);
    }
    for (const notAnObject of [undefined, null, 'POST']) {
      expect(() => signRequestV3(notAnObject as never)).toThrow(/^signRequestV3: expected an options object/);
    }
  });

  it('signs at time zero, and without a timestamp signs now', () => {
    expect(signRequestV3({ ...args, timestamp: 0 })['X-HubSpot-Request-Timestamp']).toBe('0');
    const before = Date.now();
    const stamp = Number(signRequestV3({ method: 'POST', url: URL_CALLED, body: BODY, clientSecret: SECRET })['X-HubSpot-Request-Timestamp']);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
  });
});
