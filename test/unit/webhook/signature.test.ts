import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_TIMESTAMP_SKEW_MS,
  computeSignatureV3,
  decodeSignedUri,
  signRequestV3,
  verifySignatureV3,
} from '../../../src/webhook/signature.js';

const SECRET = 'test-client-secret';
const NOW = 1_732_449_600_000;
// Every escape of HubSpot's table (mixed case), plus %20 and %41, which HubSpot leaves encoded.
const RAW_URI = 'https://example.com/hubspot/webhook?portal=a%3Ab%2fc%40d%21%24%27%28%29%2A%2c%3B&q=%20%41';
const DECODED_URI = "https://example.com/hubspot/webhook?portal=a:b/c@d!$'()*,;&q=%20%41";
const BODY = '{"appId":1234567,"portalId":42,"userId":7,"note":"Zoë 📞"}';

/** HubSpot's published v3 algorithm, written out independently of src/. */
function hubspotV3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  const table: [RegExp, string][] = [
    [/%3A/gi, ':'], [/%2F/gi, '/'], [/%3F/gi, '?'], [/%40/gi, '@'], [/%21/gi, '!'], [/%24/gi, '$'],
    [/%27/gi, "'"], [/%28/gi, '('], [/%29/gi, ')'], [/%2A/gi, '*'], [/%2C/gi, ','], [/%3B/gi, ';'],
  ];
  const decoded = table.reduce((text, [pattern, char]) => text.replace(pattern, char), uri);
  return createHmac('sha256', secret).update(`${method}${decoded}${body}${timestamp}`, 'utf8').digest('base64');
}

describe('decodeSignedUri', () => {
  it('decodes exactly the 12 escapes of HubSpot’s table, in either case', () => {
    expect(decodeSignedUri(RAW_URI)).toBe(DECODED_URI);
  });

  it('leaves other escapes and plain URLs untouched', () => {
    expect(decodeSignedUri('https://x.test/a%20b%2Bc%3D%25')).toBe('https://x.test/a%20b%2Bc%3D%25');
    expect(decodeSignedUri('https://x.test/hook')).toBe('https://x.test/hook');
  });

  it('decodes once: %253A stays %3A-looking text, not a colon', () => {
    expect(decodeSignedUri('https://x.test/%253A')).toBe('https://x.test/%253A');
  });
});

describe('computeSignatureV3', () => {
  it('matches a vector computed outside Node (openssl dgst -sha256 -hmac | base64)', () => {
    const signature = computeSignatureV3({ secret: SECRET, method: 'POST', uri: RAW_URI, body: BODY, timestamp: String(NOW) });
    expect(signature).toBe('Un0/QH+wZOXOpJ5Wh4wpgic6WF2qdk1sXAAI3oTEaqk=');
  });

  it('matches HubSpot’s algorithm for a percent-encoded URL and a non-ASCII body', () => {
    const signature = computeSignatureV3({ secret: SECRET, method: 'POST', uri: RAW_URI, body: BODY, timestamp: String(NOW) });
    expect(signature).toBe(hubspotV3(SECRET, 'POST', RAW_URI, BODY, String(NOW)));
  });

  it('signs a byte body exactly like the same text', () => {
    const asText = computeSignatureV3({ secret: SECRET, method: 'POST', uri: RAW_URI, body: BODY, timestamp: '1' });
    const asBytes = computeSignatureV3({ secret: SECRET, method: 'POST', uri: RAW_URI, body: Buffer.from(BODY), timestamp: '1' });
    expect(asBytes).toBe(asText);
  });
});

describe('signRequestV3 / verifySignatureV3', () => {
  const signed = signRequestV3({ secret: SECRET, method: 'POST', uri: RAW_URI, body: BODY, now: NOW });
  const base = {
    secret: SECRET,
    method: 'POST',
    uri: RAW_URI,
    body: BODY,
    signature: signed['X-HubSpot-Signature-v3'],
    timestamp: signed['X-HubSpot-Request-Timestamp'],
    now: NOW,
  };

  it('sends epoch milliseconds and HubSpot’s signature', () => {
    expect(signed['X-HubSpot-Request-Timestamp']).toBe(String(NOW));
    expect(signed['X-HubSpot-Signature-v3']).toBe(hubspotV3(SECRET, 'POST', RAW_URI, BODY, String(NOW)));
  });

  it('verify(sign(x)) holds for many inputs', () => {
    for (let i = 0; i < 50; i++) {
      const uri = `https://h${i}.example/p%2${i % 10}/${'é'.repeat(i % 5)}?q=${i}%3B`;
      const body = JSON.stringify({ appId: i + 1, text: '📞'.repeat(i % 7) });
      const headers = signRequestV3({ secret: `s${i}`, method: 'POST', uri, body, now: NOW + i });
      const verdict = verifySignatureV3({
        secret: `s${i}`, method: 'POST', uri, body, now: NOW + i * 1000,
        signature: headers['X-HubSpot-Signature-v3'], timestamp: headers['X-HubSpot-Request-Timestamp'],
      });
      expect(verdict).toEqual({ ok: true });
    }
  });

  it('accepts the encoded and decoded spelling of the same URL', () => {
    expect(verifySignatureV3({ ...base, uri: DECODED_URI })).toEqual({ ok: true });
  });

  it('rejects a tampered body, URL, method or secret', () => {
    const bad = { ok: false, reason: 'bad-signature' };
    expect(verifySignatureV3({ ...base, body: BODY.replace('42', '43') })).toEqual(bad);
    expect(verifySignatureV3({ ...base, uri: 'https://example.com/other' })).toEqual(bad);
    expect(verifySignatureV3({ ...base, method: 'PUT' })).toEqual(bad);
    expect(verifySignatureV3({ ...base, secret: 'other' })).toEqual(bad);
  });

  it('rejects a signature of another length without throwing', () => {
    expect(verifySignatureV3({ ...base, signature: 'short' })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySignatureV3({ ...base, signature: `${base.signature}AA` })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySignatureV3({ ...base, signature: 'é'.repeat(22) })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('reports missing headers', () => {
    expect(verifySignatureV3({ ...base, signature: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(verifySignatureV3({ ...base, timestamp: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(verifySignatureV3({ ...base, timestamp: '' })).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('rejects timestamps that are not epoch milliseconds', () => {
    for (const timestamp of ['abc', '-1', '1.5', '1e12', ' 1732449600000', '9'.repeat(20)]) {
      expect(verifySignatureV3({ ...base, timestamp })).toEqual({ ok: false, reason: 'bad-timestamp' });
    }
  });

  it('accepts up to 5 minutes of skew either way and rejects beyond it', () => {
    expect(verifySignatureV3({ ...base, now: NOW + MAX_TIMESTAMP_SKEW_MS })).toEqual({ ok: true });
    expect(verifySignatureV3({ ...base, now: NOW - MAX_TIMESTAMP_SKEW_MS })).toEqual({ ok: true });
    expect(verifySignatureV3({ ...base, now: NOW + MAX_TIMESTAMP_SKEW_MS + 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifySignatureV3({ ...base, now: NOW - MAX_TIMESTAMP_SKEW_MS - 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });
});
