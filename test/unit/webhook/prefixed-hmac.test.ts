import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPrefixedHmacSha256 } from '../../../src/webhook/prefixed-hmac.js';

function reference(key: Uint8Array, prefix: Uint8Array, body: Uint8Array, suffix: string): Buffer {
  return createHmac('sha256', key).update(prefix).update(body).update(suffix, 'latin1').digest();
}

describe('prefixed HMAC-SHA256', () => {
  it('matches RFC 4231 test case 2 (key "Jefe")', () => {
    const hmac = createPrefixedHmacSha256(Buffer.from('Jefe'), Buffer.from('what do ya want '));
    expect(hmac(Buffer.from('for nothing'), '?').toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('matches createHmac for keys shorter than, equal to and longer than a block, and bodies of every size', () => {
    for (const keyLength of [0, 1, 19, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const prefix = Buffer.from(`POSThttps://example.com/hook-${keyLength}`);
      const hmac = createPrefixedHmacSha256(key, prefix);
      // Growing, then shrinking again, reuses the buffer without stale bytes.
      for (const bodyLength of [0, 1, 55, 64, 1000, 5000, 70_000, 3, 0]) {
        const body = randomBytes(bodyLength);
        const suffix = String(1_700_000_000_000 + bodyLength);
        expect(hmac(body, suffix).equals(reference(key, prefix, body, suffix))).toBe(true);
      }
    }
  });

  it('signs non-ASCII bodies byte for byte', () => {
    const key = Buffer.from('secret');
    const body = Buffer.from('{"name":"Zoë ☎ 电话"}', 'utf8');
    const hmac = createPrefixedHmacSha256(key, Buffer.from('POSThttps://h.example/x'));
    expect(hmac(body, '1').equals(reference(key, Buffer.from('POSThttps://h.example/x'), body, '1'))).toBe(true);
  });
});
