// Rules of secret scrubbing (DESIGN.md "Details": secrets never appear in any
// output), through secretValuesFrom and createScrubber only.
import { describe, expect, it } from 'vitest';
import { REDACTED, createScrubber, secretValuesFrom } from '../../../src/runtime/secrets.js';

// Long enough for any minimum scrubbed length, with characters that
// percent-encoding changes and characters a regular expression treats specially.
const KEY = 'k3y/with+plus=and.dot*star';
const TOKEN = 'pat-na1-0123abcd-4567-89ef';

describe('which environment variables hold secrets', () => {
  it('the API key, the access token and every client secret', () => {
    const env = {
      HUBSPOT_DEVELOPER_API_KEY: 'developer-key-value',
      HUBSPOT_ACCESS_TOKEN: 'access-token-value',
      HUBSPOT_CLIENT_SECRET: 'client-secret-value',
      HUBSPOT_CLIENT_SECRET_1234567: 'client-secret-of-app',
    };
    expect(secretValuesFrom(env).sort()).toEqual(['access-token-value', 'client-secret-of-app', 'client-secret-value', 'developer-key-value']);
  });

  it('not other variables, even ones whose names contain a secret’s name', () => {
    const env = {
      HUBSPOT_APP_ID: '1234567',
      HUBSPOT_API_BASE_URL: 'http://127.0.0.1:8080',
      MY_HUBSPOT_ACCESS_TOKEN: 'prefixed-name-value',
      HUBSPOT_ACCESS_TOKEN_OLD: 'suffixed-name-value',
      HUBSPOT_DEVELOPER_API_KEY2: 'suffixed-key-value',
      HUBSPOT_CLIENT_SECRET_APP: 'non-numeric-suffix',
      HUBSPOT_CLIENT_SECRET_: 'empty-suffix-value',
      hubspot_access_token: 'lower-case-name-value',
      PATH: '/usr/bin',
    };
    expect(secretValuesFrom(env)).toEqual([]);
  });

  it('an unset or empty variable is no secret', () => {
    expect(secretValuesFrom({ HUBSPOT_ACCESS_TOKEN: '', HUBSPOT_DEVELOPER_API_KEY: undefined })).toEqual([]);
  });
});

describe('createScrubber', () => {
  it('replaces the secret with [REDACTED] and leaves the rest as it was', () => {
    const scrub = createScrubber([TOKEN]);
    expect(scrub(`Authorization: Bearer ${TOKEN}\n`)).toBe(`Authorization: Bearer ${REDACTED}\n`);
    expect(REDACTED).toBe('[REDACTED]');
  });

  it('a secret appearing twice is redacted twice; back to back, its copies become one [REDACTED]', () => {
    const scrub = createScrubber([TOKEN]);
    expect(scrub(`${TOKEN} and again ${TOKEN}`)).toBe(`${REDACTED} and again ${REDACTED}`);
    expect(scrub(`${TOKEN}${TOKEN}`)).toBe(REDACTED);
  });

  it('every secret given is redacted, in any order in the text', () => {
    const scrub = createScrubber([KEY, TOKEN]);
    expect(scrub(`${TOKEN} ${KEY} ${TOKEN}`)).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  it('one secret containing another is redacted whole, whichever is listed first', () => {
    const inner = 'abcdefgh12345678';
    const outer = `${inner}-and-more-secret`;
    for (const secrets of [
      [inner, outer],
      [outer, inner],
    ]) {
      const scrub = createScrubber(secrets);
      const text = scrub(`a=${outer} b=${inner}`);
      expect(text).toBe(`a=${REDACTED} b=${REDACTED}`);
    }
  });

  it('its percent-encoded form (as in a hapikey= query) is redacted too', () => {
    const scrub = createScrubber([KEY]);
    const encoded = encodeURIComponent(KEY);
    expect(encoded).not.toBe(KEY);
    expect(scrub(`GET /crm/v3/x?hapikey=${encoded}&a=1`)).toBe(`GET /crm/v3/x?hapikey=${REDACTED}&a=1`);
  });

  it('characters special to regular expressions in a secret are matched literally', () => {
    const scrub = createScrubber([KEY]);
    // What `.` and `*` would match as a pattern, but not the secret itself.
    const lookalike = 'k3y/withhplus=andXdottttstar';
    expect(scrub(lookalike)).toBe(lookalike);
    expect(scrub('(a|b) [x] {2} ^$ \\')).toBe('(a|b) [x] {2} ^$ \\');
  });

  it('with no secrets (or only empty ones) the text is unchanged', () => {
    expect(createScrubber([])('anything at all')).toBe('anything at all');
    // An empty secret must not match everywhere.
    expect(createScrubber([''])('No changes.')).toBe('No changes.');
    expect(createScrubber(['', TOKEN])('No changes.')).toBe('No changes.');
  });
});
