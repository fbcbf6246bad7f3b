import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScrubber, encodingsOf, MIN_SECRET_LENGTH, REDACTED, secretValuesFrom } from '../../../src/runtime/secrets.js';

const KEY = 'dev-key-3f9a+secret/value';

describe('createScrubber', () => {
  it('replaces the raw secret and each of its encodings', () => {
    const scrub = createScrubber([KEY]);
    const forms = encodingsOf(KEY);
    // Raw (also its JSON form), percent/form-encoded with upper- and lower-case hex.
    expect(forms).toEqual([KEY, 'dev-key-3f9a%2Bsecret%2Fvalue', 'dev-key-3f9a%2bsecret%2fvalue']);
    forms.push('dev-key-3f9a+secret\\/value', 'dev-key-3f9a%2Bsecret%2fvalue', 'dev-key-3f9a\\u002bsecret/value');
    for (const form of forms) expect(scrub(`before ${form} after`)).toBe(`before ${REDACTED} after`);
  });

  it('matches form encoding of a space as + and JSON \\u escapes in either case', () => {
    const secret = 'a secret "quoted" é';
    const scrub = createScrubber([secret]);
    expect(scrub(new URLSearchParams({ k: secret }).toString())).toBe(`k=${REDACTED}`);
    expect(scrub(JSON.stringify({ k: secret }))).toBe(`{"k":"${REDACTED}"}`);
    expect(scrub('a\\u0020secret \\u0022quoted\\u0022 \\u00E9')).toBe(REDACTED);
    expect(scrub('a%20secret%20%22quoted%22%20%c3%a9')).toBe(REDACTED);
  });

  it('matches JSON short escapes of control characters, quotes and backslashes', () => {
    const secret = 'ctl\b\f\n\r\t"\\/end';
    const scrub = createScrubber([secret]);
    expect(scrub(JSON.stringify({ k: secret }))).toBe(`{"k":"${REDACTED}"}`);
    expect(scrub('ctl\\b\\f\\n\\r\\t\\"\\\\\\/end')).toBe(REDACTED);
    expect(scrub('ctl\\u0008\\u000C\\u000a\\u000d\\u0009\\u0022\\u005C\\u002fend')).toBe(REDACTED);
    // A + stands for a space only, never for another character.
    expect(createScrubber(['with-no-space'])('with+no-space')).toBe('with+no-space');
  });

  it('matches astral characters raw, as UTF-8 percent bytes and as a JSON surrogate pair', () => {
    const secret = 'emoji-\u{1F511}-key';
    const scrub = createScrubber([secret]);
    expect(scrub(secret)).toBe(REDACTED);
    expect(scrub(encodeURIComponent(secret))).toBe(REDACTED);
    expect(scrub('emoji-\\ud83d\\udd11-key')).toBe(REDACTED);
  });

  it('replaces a secret every time it appears', () => {
    const scrub = createScrubber([KEY]);
    expect(scrub(`${KEY} and ${encodeURIComponent(KEY)} and ${KEY}`)).toBe(`${REDACTED} and ${REDACTED} and ${REDACTED}`);
  });

  it('replaces a secret that contains another whole, in either order of the list', () => {
    const inner = 'secret-inner-1234';
    const outer = `prefix-${inner}-suffix`;
    for (const list of [[inner, outer], [outer, inner]]) {
      const scrub = createScrubber(list);
      expect(scrub(`x ${outer} y ${inner} z`)).toBe(`x ${REDACTED} y ${REDACTED} z`);
    }
  });

  it('covers overlapping secrets in one span, leaving no piece of either', () => {
    const scrub = createScrubber(['abcdefgh12', 'gh12345678']);
    expect(scrub('[abcdefgh12345678]')).toBe(`[${REDACTED}]`);
  });

  it(`leaves values shorter than ${MIN_SECRET_LENGTH} characters alone, so words stay readable`, () => {
    const scrub = createScrubber(['e', 'No', 'x'.repeat(MIN_SECRET_LENGTH - 1)]);
    expect(scrub('No changes.')).toBe('No changes.');
    expect(createScrubber(['x'.repeat(MIN_SECRET_LENGTH)])('a xxxxxxxx b')).toBe(`a ${REDACTED} b`);
  });

  it('keeps the secret letters case-sensitive (only hex digits are case-free)', () => {
    expect(createScrubber(['AbCdEfGhIj'])('abcdefghij')).toBe('abcdefghij');
  });

  it('treats regular-expression characters in a secret literally', () => {
    const secret = 'a.b*c+d?e(f)[g]{h}|i^$\\';
    const scrub = createScrubber([secret]);
    expect(scrub(`<${secret}>`)).toBe(`<${REDACTED}>`);
    expect(scrub('<aXb*c+d?e(f)[g]{h}|i^$\\>')).toBe('<aXb*c+d?e(f)[g]{h}|i^$\\>');
  });

  it(`replaces a secret cut short for display: its first ${MIN_SECRET_LENGTH} or more characters and "…"`, () => {
    const token = 'pat-na1-0123abcd-4567-89ab-cdef-0123456789ab';
    const scrub = createScrubber([token]);
    expect(scrub(`got the string "${token.slice(0, 40)}…"`)).toBe(`got the string "${REDACTED}"`);
    expect(scrub(`a ${encodeURIComponent(token.slice(0, 12))}… b`)).toBe(`a ${REDACTED} b`);
    // Shorter cuts, and a prefix with no ellipsis, say too little to redact.
    expect(scrub(`${token.slice(0, MIN_SECRET_LENGTH - 1)}…`)).toBe(`${token.slice(0, MIN_SECRET_LENGTH - 1)}…`);
    expect(scrub(`${token.slice(0, 20)} and more`)).toBe(`${token.slice(0, 20)} and more`);
  });

  it('replaces a secret cut to a length and quoted, as a friendlyName HubSpot truncates to 24 characters', () => {
    const key = 'devkey-0123456789abcdef0123456789abcdef';
    const scrub = createScrubber([key]);
    expect(scrub(`users will see "${key.slice(0, 24)}"`)).toBe(`users will see "${REDACTED}"`);
    // In a JSON document the quote is escaped.
    expect(scrub(JSON.stringify({ hint: `users will see "${key.slice(0, 24)}"` }))).toBe(JSON.stringify({ hint: `users will see "${REDACTED}"` }));
    expect(scrub(`"${key.slice(0, MIN_SECRET_LENGTH - 1)}"`)).toBe(`"${key.slice(0, MIN_SECRET_LENGTH - 1)}"`);
  });

  it('is the identity without secrets', () => {
    expect(createScrubber([])('hapikey=abc')).toBe('hapikey=abc');
  });
});

describe('secretValuesFrom', () => {
  it('takes the API key, the token and every client secret, skipping empty ones', () => {
    expect(
      secretValuesFrom({
        HUBSPOT_DEVELOPER_API_KEY: 'k1',
        HUBSPOT_ACCESS_TOKEN: 't1',
        HUBSPOT_CLIENT_SECRET: 'c',
        HUBSPOT_CLIENT_SECRET_42: 'c42',
        HUBSPOT_CLIENT_SECRET_X: 'no',
        HUBSPOT_API_BASE_URL: 'http://127.0.0.1',
        HUBSPOT_CLIENT_SECRET_7: '',
      }).sort(),
    ).toEqual(['c', 'c42', 'k1', 't1']);
  });
});

describe('scrubber law', () => {
  // Any printable text (including %, +, \ and quotes), any secret at least MIN long.
  const secret = fc.string({ unit: 'grapheme', minLength: MIN_SECRET_LENGTH, maxLength: 40 }).filter((s) => s.length >= MIN_SECRET_LENGTH);
  const text = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });

  it('removes every encoding of random secrets from random text', () => {
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 3 }), fc.array(text, { minLength: 2, maxLength: 5 }), fc.nat(), (secrets, pieces, pick) => {
        const forms = secrets.flatMap(encodingsOf);
        // Interleave text pieces with encoded secrets.
        const joined = pieces.map((piece, index) => `${piece}${forms[(pick + index) % forms.length]}`).join('');
        const scrubbed = createScrubber(secrets)(joined);
        for (const form of forms) expect(scrubbed).not.toContain(form);
      }),
      { numRuns: 300 },
    );
  });

  it('changes nothing in text that holds no secret', () => {
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 3 }), text, (secrets, sample) => {
        fc.pre(secrets.every((s) => encodingsOf(s).every((form) => !sample.includes(form))) && !sample.includes(REDACTED));
        // A sample shorter than any secret cannot hold one in any encoding.
        fc.pre(secrets.every((s) => sample.length < s.length));
        expect(createScrubber(secrets)(sample)).toBe(sample);
      }),
    );
  });
});
