// HMAC-SHA256 (RFC 2104) of a fixed prefix followed by per-call bytes, for
// `serve`, which checks one signature per request. It is the textbook
// construction, H((K ^ opad) || H((K ^ ipad) || message)), over node:crypto's
// one-shot SHA-256 and reused buffers: createHmac allocates a native object
// per call and a Buffer digest a fresh backing store, which together cost
// serve about a tenth of its requests/s under load (npm run bench, serve).
// Digests travel as latin1 ('binary') strings, which are cheap to allocate.
// Tests check it against createHmac and RFC 4231.
import { hash } from 'node:crypto';

const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;

/**
 * Returns `(body, suffix) => HMAC-SHA256(key, prefix + body + suffix)` as 32
 * raw bytes. `suffix` must be latin1 (the signature timestamp's digits).
 * The returned buffer is reused: it holds the digest until the next call.
 */
export function createPrefixedHmacSha256(key: Uint8Array, prefix: Uint8Array): (body: Uint8Array, suffix: string) => Buffer {
  // Keys longer than a block are hashed first; shorter ones are zero-padded.
  const blockKey = Buffer.alloc(BLOCK_BYTES);
  blockKey.set(key.length > BLOCK_BYTES ? hash('sha256', key, 'buffer') : key);
  const start = BLOCK_BYTES + prefix.length;
  let inner = Buffer.allocUnsafe(start + 1024);
  for (let i = 0; i < BLOCK_BYTES; i++) inner[i] = (blockKey[i] as number) ^ 0x36;
  inner.set(prefix, BLOCK_BYTES);
  const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);
  const digest = Buffer.alloc(DIGEST_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) outer[i] = (blockKey[i] as number) ^ 0x5c;
  return (body, suffix) => {
    const needed = start + body.length + suffix.length;
    if (needed > inner.length) {
      const grown = Buffer.allocUnsafe(needed);
      inner.copy(grown, 0, 0, start);
      inner = grown;
    }
    inner.set(body, start);
    const end = start + body.length + inner.write(suffix, start + body.length, 'latin1');
    outer.write(hash('sha256', inner.subarray(0, end), 'binary'), BLOCK_BYTES, 'latin1');
    digest.write(hash('sha256', outer, 'binary'), 0, 'latin1');
    return digest;
  };
}
