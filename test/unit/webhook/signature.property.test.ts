// Laws of HubSpot's v3 signature: what signRequestV3 signs, verifySignatureV3
// accepts; any one-byte change to the body, method, URL or signature fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequestV3, verifySignatureV3 } from '../../../src/index.js';

const request = fc.record({
  method: fc.constantFrom('POST', 'PUT', 'GET'),
  path: fc.stringMatching(/^[a-z0-9/_-]{0,30}$/),
  query: fc.stringMatching(/^[a-z0-9=&]{0,20}$/),
  body: fc.string({ maxLength: 300 }),
  clientSecret: fc.string({ minLength: 1, maxLength: 64 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
});

const urlOf = (r: { path: string; query: string }) => `https://hooks.example.com/${r.path}${r.query === '' ? '' : `?${r.query}`}`;

function signed(r: typeof request extends fc.Arbitrary<infer T> ? T : never) {
  const url = urlOf(r);
  const headers = signRequestV3({ method: r.method, url, body: r.body, clientSecret: r.clientSecret, timestamp: r.timestamp });
  return { url, headers };
}

describe('verify(sign(x))', () => {
  it('accepts every signed request within the skew', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: -299_000, max: 299_000 }), (r, skew) => {
        const { url, headers } = signed(r);
        expect(verifySignatureV3({ method: r.method, url, body: r.body, headers, clientSecret: r.clientSecret, now: r.timestamp + skew })).toEqual({ ok: true });
      }),
    );
  });

  it('refuses any one-byte change to the body', () => {
    fc.assert(
      fc.property(request.filter((r) => r.body.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (r, at, delta) => {
        const { url, headers } = signed(r);
        const bytes = Buffer.from(r.body);
        const index = at % bytes.length;
        bytes[index] = ((bytes[index] ?? 0) + delta) % 256;
        const verdict = verifySignatureV3({ method: r.method, url, body: bytes, headers, clientSecret: r.clientSecret, now: r.timestamp });
        expect(verdict).toMatchObject({ ok: false, reason: 'bad-signature' });
      }),
    );
  });

  it('refuses another method, URL, secret or signature', () => {
    fc.assert(
      fc.property(request, fc.nat(), (r, at) => {
        const { url, headers } = signed(r);
        const base = { method: r.method, url, body: r.body, headers, clientSecret: r.clientSecret, now: r.timestamp };
        expect(verifySignatureV3({ ...base, method: r.method === 'POST' ? 'PUT' : 'POST' }).ok).toBe(false);
        expect(verifySignatureV3({ ...base, url: `${url}x` }).ok).toBe(false);
        expect(verifySignatureV3({ ...base, clientSecret: `${r.clientSecret}x` }).ok).toBe(false);
        const signature = headers['X-HubSpot-Signature-v3'];
        // Base64 of 32 bytes: the first 42 characters carry 6 bits each; the
        // 43rd also carries 2 unused bits and the 44th is padding.
        const index = at % 42;
        const other = signature[index] === 'A' ? 'B' : 'A';
        const tampered = `${signature.slice(0, index)}${other}${signature.slice(index + 1)}`;
        expect(verifySignatureV3({ ...base, headers: { ...headers, 'X-HubSpot-Signature-v3': tampered } }).ok).toBe(false);
      }),
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (method, url, body, headers) => {
        expect(() => verifySignatureV3({ method, url, body, headers, clientSecret: 's' } as never)).not.toThrow();
      }),
    );
  });
});
