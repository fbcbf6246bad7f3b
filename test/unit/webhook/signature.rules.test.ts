// Rules of v3 request signatures, through the exported sign / verify functions.
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier, decodeSignedUri, signRequestV3, verifySignatureV3 } from '../../../src/webhook/signature.js';

const SECRET = 'rules-client-secret';
const NOW = 1_732_449_600_000;
const URI = 'https://calls.example.com/hubspot/hook?portal=%3A42';
const BODY = '{"appId":1234567,"portalId":42,"userId":7}';

const signed = signRequestV3({ secret: SECRET, method: 'POST', uri: URI, body: BODY, now: NOW });
const SIGNATURE = signed['X-HubSpot-Signature-v3'];
const TIMESTAMP = signed['X-HubSpot-Request-Timestamp'];
const good = { secret: SECRET, method: 'POST', uri: URI, body: BODY, signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW };
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

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
      const headers = signRequestV3({ secret: SECRET, method: 'POST', uri: `https://x.test/q${char}r`, body: BODY, now: NOW });
      const verdict = verifySignatureV3({
        ...good,
        uri: `https://x.test/q%${hex}r`,
        signature: headers['X-HubSpot-Signature-v3'],
        timestamp: headers['X-HubSpot-Request-Timestamp'],
      });
      expect(verdict, hex).toEqual({ ok: true });
    }
  });
});

describe('verifySignatureV3: what fails', () => {
  it('an empty signature header fails as missing', () => {
    expect(verifySignatureV3({ ...good, signature: '' })).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('a request with neither header fails as missing', () => {
    expect(verifySignatureV3({ ...good, signature: undefined, timestamp: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('any one-character change of the signature fails', () => {
    // The last data character carries 2 padding bits; change only characters that change the bytes.
    for (let i = 0; i < 43; i++) {
      const original = SIGNATURE[i] ?? '';
      const replacement = BASE64[(BASE64.indexOf(original) + (i === 42 ? 4 : 1)) % 64] ?? '';
      const tampered = SIGNATURE.slice(0, i) + replacement + SIGNATURE.slice(i + 1);
      expect(verifySignatureV3({ ...good, signature: tampered }), `position ${i}`).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('any one-byte change of the body fails', () => {
    const bytes = Buffer.from(BODY);
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      expect(verifySignatureV3({ ...good, body: tampered }), `byte ${i}`).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a signature re-used with another timestamp fails', () => {
    expect(verifySignatureV3({ ...good, timestamp: String(NOW + 1) })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('a signature not in canonical base64 fails, without throwing', () => {
    for (const signature of [` ${SIGNATURE}`, `${SIGNATURE} `, SIGNATURE.slice(0, 43), `${SIGNATURE.slice(0, 43)}==`, `x${SIGNATURE}`, `${SIGNATURE}x`, `${SIGNATURE.slice(0, 42)}-=`]) {
      expect(verifySignatureV3({ ...good, signature }), signature).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a timestamp with anything but digits around it is not a timestamp', () => {
    for (const timestamp of [`x${TIMESTAMP}`, `${TIMESTAMP}x`, `${TIMESTAMP} `, `+${TIMESTAMP}`, '0x19374']) {
      expect(verifySignatureV3({ ...good, timestamp }), timestamp).toEqual({ ok: false, reason: 'bad-timestamp' });
    }
  });

  it('a timestamp of over 15 digits is not a timestamp; 15 digits is, if stale', () => {
    expect(verifySignatureV3({ ...good, timestamp: '1'.repeat(16) })).toEqual({ ok: false, reason: 'bad-timestamp' });
    expect(verifySignatureV3({ ...good, timestamp: '1'.repeat(15) })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });
});

describe('verifySignatureV3: what holds', () => {
  it('a byte body verifies like its text', () => {
    expect(verifySignatureV3({ ...good, body: new Uint8Array(Buffer.from(BODY)) })).toEqual({ ok: true });
  });

  it('the allowed skew can be narrowed, and holds either way up to its bound', () => {
    expect(verifySignatureV3({ ...good, maxSkewMs: 1000, now: NOW + 1000 })).toEqual({ ok: true });
    expect(verifySignatureV3({ ...good, maxSkewMs: 1000, now: NOW - 1000 })).toEqual({ ok: true });
    expect(verifySignatureV3({ ...good, maxSkewMs: 1000, now: NOW + 1001 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifySignatureV3({ ...good, maxSkewMs: 1000, now: NOW - 1001 })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('signing at a fractional millisecond sends whole epoch milliseconds that verify', () => {
    const headers = signRequestV3({ secret: SECRET, method: 'POST', uri: URI, body: BODY, now: NOW + 0.75 });
    expect(headers['X-HubSpot-Request-Timestamp']).toBe(String(NOW));
    expect(verifySignatureV3({ ...good, signature: headers['X-HubSpot-Signature-v3'], timestamp: headers['X-HubSpot-Request-Timestamp'] })).toEqual({ ok: true });
  });
});

describe('createSignatureVerifier', () => {
  it('gives each request its own verdict, whatever came before', () => {
    const verify = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: URI });
    const other = signRequestV3({ secret: SECRET, method: 'POST', uri: URI, body: '{}', now: NOW });
    const requests = [
      { request: { body: BODY, signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW }, ok: true },
      { request: { body: '{}', signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW }, ok: false },
      { request: { body: '{}', signature: other['X-HubSpot-Signature-v3'], timestamp: other['X-HubSpot-Request-Timestamp'], now: NOW }, ok: true },
      { request: { body: BODY, signature: 'short', timestamp: TIMESTAMP, now: NOW }, ok: false },
      { request: { body: BODY, signature: SIGNATURE, timestamp: TIMESTAMP, now: NOW }, ok: true },
    ];
    for (const [i, { request, ok }] of requests.entries()) {
      expect(verify(request).ok, `request ${i}`).toBe(ok);
    }
  });

  it('agrees with verifySignatureV3', () => {
    const verify = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: URI, maxSkewMs: 10 });
    for (const now of [NOW, NOW + 10, NOW + 11]) {
      expect(verify({ body: BODY, signature: SIGNATURE, timestamp: TIMESTAMP, now })).toEqual(verifySignatureV3({ ...good, maxSkewMs: 10, now }));
    }
  });
});
