import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Signature } from '@hubspot/api-client/lib/src/utils/signature.js';
import { describe, expect, it } from 'vitest';
import {
  MAX_TIMESTAMP_SKEW_MS,
  createSignatureVerifier,
  decodeSignedUri,
  signRequestV3,
  verifySignatureV3,
  type VerifySignatureV3Options,
} from '../../../src/webhook/signature.js';

const SECRET = 'test-client-secret';
const NOW = 1_732_449_600_000;
// Every escape of HubSpot's table (mixed case), plus %20 and %41, which HubSpot leaves encoded.
const RAW_URI = 'https://example.com/hubspot/webhook?portal=a%3Ab%2fc%40d%21%24%27%28%29%2A%2c%3B&q=%20%41';
const DECODED_URI = "https://example.com/hubspot/webhook?portal=a:b/c@d!$'()*,;&q=%20%41";
const BODY = '{"appId":1234567,"portalId":42,"userId":7,"note":"Zoë 📞"}';

/** The official SDK's v3 signature: HubSpot's algorithm, but without the decode table (callers pass the decoded URL). */
function sdkV3(secret: string, method: string, decodedUrl: string, body: string, timestamp: number): string {
  return Signature.getSignature(method, 'v3', { clientSecret: secret, requestBody: body, url: decodedUrl, timestamp } as never);
}

/** The README's decode-table examples: rows of the table after the `decode-table-examples` marker. */
function readmeExamples(): [string, string][] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- decode-table-examples -->');
  const rows = readme.slice(start).split('\n').slice(1);
  const examples: [string, string][] = [];
  for (const row of rows.slice(2)) {
    const match = /^\| `([^`]+)` \| `([^`]+)` \|$/.exec(row);
    if (match === null) break;
    examples.push([match[1] as string, match[2] as string]);
  }
  return examples;
}

function signedOptions(overrides: Partial<VerifySignatureV3Options> = {}): VerifySignatureV3Options {
  const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: NOW });
  return { method: 'POST', url: RAW_URI, body: BODY, headers, clientSecret: SECRET, now: NOW, ...overrides };
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

  it('agrees with every decode-table example in the README, and verifies requests to those URLs', () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const [called, signedAs] of examples) {
      expect(decodeSignedUri(called)).toBe(signedAs);
      const sdk = sdkV3(SECRET, 'POST', signedAs, BODY, NOW);
      const headers = { 'x-hubspot-signature-v3': sdk, 'x-hubspot-request-timestamp': String(NOW) };
      expect(verifySignatureV3({ method: 'POST', url: called, body: BODY, headers, clientSecret: SECRET, now: NOW })).toEqual({ ok: true });
    }
  });
});

describe('signRequestV3 against the official SDK (Signature.getSignature) as an oracle', () => {
  it('matches a vector computed outside Node (openssl dgst -sha256 -hmac | base64)', () => {
    const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: NOW });
    expect(headers['X-HubSpot-Signature-v3']).toBe('Un0/QH+wZOXOpJ5Wh4wpgic6WF2qdk1sXAAI3oTEaqk=');
    expect(headers['X-HubSpot-Request-Timestamp']).toBe(String(NOW));
  });

  it('equals the SDK’s signature of the decoded URL for many secrets, URLs and bodies (long keys included)', () => {
    for (let i = 0; i < 200; i++) {
      const secret = i % 17 === 0 ? 'k'.repeat(64 + i) : `secret-${i}-${'ü'.repeat(i % 4)}`;
      const url = `https://h${i}.example/p%2${i % 10}/${'é'.repeat(i % 5)}?q=${i}%3B&r=%2${'AC'[i % 2]}`;
      const body = JSON.stringify({ appId: i + 1, portalId: i * 7, userId: i * 13, text: '📞'.repeat(i % 9), pad: 'x'.repeat(i * 11) });
      const timestamp = NOW + i;
      const ours = signRequestV3({ clientSecret: secret, method: 'POST', url, body, timestamp });
      expect(ours['X-HubSpot-Signature-v3']).toBe(sdkV3(secret, 'POST', decodeSignedUri(url), body, timestamp));
    }
  });

  it('the SDK itself skips the decode table: its signature of the raw URL is not HubSpot’s', () => {
    const ours = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: NOW });
    expect(sdkV3(SECRET, 'POST', RAW_URI, BODY, NOW)).not.toBe(ours['X-HubSpot-Signature-v3']);
  });

  it('signs a byte body exactly like the same text', () => {
    const asText = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: 1 });
    const asBytes = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: Buffer.from(BODY), timestamp: 1 });
    expect(asBytes).toEqual(asText);
  });

  it('refuses arguments it cannot sign', () => {
    expect(() => signRequestV3({ clientSecret: '', method: 'POST', url: RAW_URI, body: BODY })).toThrow(TypeError);
    expect(() => signRequestV3({ clientSecret: SECRET, method: 'POST', url: '/relative', body: BODY })).toThrow(/absolute/);
    expect(() => signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: 42 as never })).toThrow(/body/);
  });

  it('defaults the timestamp to now', () => {
    const before = Date.now();
    const stamp = Number(signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY })['X-HubSpot-Request-Timestamp']);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
  });
});

describe('verifySignatureV3', () => {
  it('accepts what the SDK signs (decoded URL) when given the URL HubSpot called', () => {
    const headers = { 'X-HubSpot-Signature-v3': sdkV3(SECRET, 'POST', DECODED_URI, BODY, NOW), 'X-HubSpot-Request-Timestamp': String(NOW) };
    expect(verifySignatureV3({ method: 'POST', url: RAW_URI, body: BODY, headers, clientSecret: SECRET, now: NOW })).toEqual({ ok: true });
  });

  it('verify(sign(x)) holds, and any one-byte change of the body fails', () => {
    for (let i = 0; i < 60; i++) {
      const url = `https://h${i}.example/p%2${i % 10}?q=${i}%3B`;
      const body = Buffer.from(JSON.stringify({ appId: i + 1, text: '📞'.repeat(i % 7) }));
      const headers = signRequestV3({ clientSecret: `s${i}`, method: 'POST', url, body, timestamp: NOW + i });
      const options = { method: 'POST', url, body, headers, clientSecret: `s${i}`, now: NOW + i * 1000 };
      expect(verifySignatureV3(options)).toEqual({ ok: true });
      const flipped = Buffer.from(body);
      const at = (i * 7) % flipped.length;
      flipped[at] = (flipped[at] as number) ^ (1 << (i % 8));
      expect(verifySignatureV3({ ...options, body: flipped })).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('reads header names in any case, and fetch-style Headers', () => {
    const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: NOW });
    const upper = { 'X-HUBSPOT-SIGNATURE-V3': headers['X-HubSpot-Signature-v3'], 'x-hubspot-request-timestamp': headers['X-HubSpot-Request-Timestamp'] };
    expect(verifySignatureV3(signedOptions({ headers: upper }))).toEqual({ ok: true });
    expect(verifySignatureV3(signedOptions({ headers: new Headers(headers) }))).toEqual({ ok: true });
  });

  it('accepts the encoded and decoded spelling of the same URL', () => {
    expect(verifySignatureV3(signedOptions({ url: DECODED_URI }))).toEqual({ ok: true });
  });

  it('rejects a tampered body, URL, method or secret', () => {
    const bad = { ok: false, reason: 'bad-signature' };
    expect(verifySignatureV3(signedOptions({ body: BODY.replace('42', '43') }))).toEqual(bad);
    expect(verifySignatureV3(signedOptions({ url: 'https://example.com/other' }))).toEqual(bad);
    expect(verifySignatureV3(signedOptions({ method: 'PUT' }))).toEqual(bad);
    expect(verifySignatureV3(signedOptions({ clientSecret: 'other' }))).toEqual(bad);
  });

  it('rejects a signature of another length or alphabet', () => {
    const withSignature = (signature: unknown) =>
      verifySignatureV3(signedOptions({ headers: { 'x-hubspot-signature-v3': signature as string, 'x-hubspot-request-timestamp': String(NOW) } }));
    for (const signature of ['short', `${'A'.repeat(43)}=AA`, 'é'.repeat(22), `${'A'.repeat(42)}-=`, `${'A'.repeat(44)}`]) {
      expect(withSignature(signature)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('reports missing or empty headers', () => {
    const signature = signedOptions().headers as Record<string, string>;
    const sig = signature['X-HubSpot-Signature-v3'] as string;
    for (const headers of [{}, { 'x-hubspot-signature-v3': sig }, { 'x-hubspot-request-timestamp': String(NOW) }, { 'x-hubspot-signature-v3': '', 'x-hubspot-request-timestamp': String(NOW) }]) {
      expect(verifySignatureV3(signedOptions({ headers }))).toEqual({ ok: false, reason: 'missing-headers' });
    }
  });

  it('rejects timestamps that are not epoch milliseconds', () => {
    const sig = (signedOptions().headers as Record<string, string>)['X-HubSpot-Signature-v3'] as string;
    for (const timestamp of ['abc', '-1', '1.5', '1e12', ' 1732449600000', '9'.repeat(20), '0x10']) {
      const headers = { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': timestamp };
      expect(verifySignatureV3(signedOptions({ headers }))).toEqual({ ok: false, reason: 'bad-timestamp' });
    }
  });

  it('accepts up to 5 minutes of skew either way and rejects beyond it', () => {
    expect(verifySignatureV3(signedOptions({ now: NOW + MAX_TIMESTAMP_SKEW_MS }))).toEqual({ ok: true });
    expect(verifySignatureV3(signedOptions({ now: NOW - MAX_TIMESTAMP_SKEW_MS }))).toEqual({ ok: true });
    expect(verifySignatureV3(signedOptions({ now: NOW + MAX_TIMESTAMP_SKEW_MS + 1 }))).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifySignatureV3(signedOptions({ now: NOW - MAX_TIMESTAMP_SKEW_MS - 1 }))).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('defaults now to the clock', () => {
    const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY });
    expect(verifySignatureV3({ method: 'POST', url: RAW_URI, body: BODY, headers, clientSecret: SECRET })).toEqual({ ok: true });
    const old = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: Date.now() - MAX_TIMESTAMP_SKEW_MS - 60_000 });
    expect(verifySignatureV3({ method: 'POST', url: RAW_URI, body: BODY, headers: old, clientSecret: SECRET })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('never throws: garbage in any argument is a verdict with a reason', () => {
    const throwing = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
    const garbage: unknown[] = [undefined, null, 0, NaN, '', 'x', [], {}, () => 1, Symbol('s'), 10n, throwing, new Date(), Buffer.from('x')];
    const keys = ['method', 'url', 'body', 'headers', 'clientSecret', 'now'] as const;
    const reasons = new Set(['missing-headers', 'bad-timestamp', 'stale-timestamp', 'bad-signature']);
    for (const key of keys) {
      for (const value of garbage) {
        const verdict = verifySignatureV3({ ...signedOptions(), [key]: value } as never);
        // None of these is the signed request's value, so none may pass.
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect(reasons.has(verdict.reason)).toBe(true);
      }
    }
    for (const whole of garbage) {
      const verdict = verifySignatureV3(whole as never);
      expect(verdict.ok).toBe(false);
    }
  });

  it('names the unusable argument, never the secret', () => {
    const relative = verifySignatureV3(signedOptions({ url: '/hook' }));
    expect(relative).toEqual({ ok: false, reason: 'bad-signature', detail: expect.stringMatching(/url/) });
    const number = verifySignatureV3(signedOptions({ body: 42 as never }));
    expect(number).toEqual({ ok: false, reason: 'bad-signature', detail: expect.stringMatching(/body/) });
    expect(JSON.stringify(verifySignatureV3(signedOptions({ now: Number.NaN })))).not.toContain(SECRET);
  });
});

describe('createSignatureVerifier (serve’s prepared verifier) is the same check', () => {
  it('gives the library’s verdicts', () => {
    const verify = createSignatureVerifier({ secret: SECRET, method: 'POST', uri: RAW_URI });
    const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: NOW });
    const request = { body: Buffer.from(BODY), signature: headers['X-HubSpot-Signature-v3'], timestamp: headers['X-HubSpot-Request-Timestamp'], now: NOW };
    expect(verify(request)).toEqual({ ok: true });
    expect(verify({ ...request, body: Buffer.from(`${BODY} `) })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify({ ...request, now: NOW + MAX_TIMESTAMP_SKEW_MS + 1 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verify({ ...request, now: Number.NaN })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('matches createHmac over the concatenation', () => {
    const expected = createHmac('sha256', SECRET).update(`POST${DECODED_URI}${BODY}${NOW}`).digest('base64');
    const headers = signRequestV3({ clientSecret: SECRET, method: 'POST', url: RAW_URI, body: BODY, timestamp: NOW });
    expect(headers['X-HubSpot-Signature-v3']).toBe(expected);
  });
});
