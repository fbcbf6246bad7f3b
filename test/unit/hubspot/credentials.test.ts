import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { assertCredentials, DEFAULT_BASE_URL, requireCredential, resolveBaseUrl } from '../../../src/hubspot/credentials.js';
import { FLAVOURS } from '../../../src/hubspot/flavours.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('FLAVOURS', () => {
  it('builds each flavour\'s path and places its credential', () => {
    expect(FLAVOURS.v3.settingsPath(42)).toBe('/crm/v3/extensions/calling/42/settings/channel-connection');
    expect(FLAVOURS.v3.authorize('k')).toEqual({ headers: {}, searchParams: { hapikey: 'k' } });
    expect(FLAVOURS['2026-03'].settingsPath(42)).toBe('/crm/extensions/calling/2026-03/42/settings/channel-connection');
    expect(FLAVOURS['2026-03'].authorize('t')).toEqual({ headers: { authorization: 'Bearer t' }, searchParams: {} });
  });
});

describe('assertCredentials', () => {
  it('passes when every needed variable is set', () => {
    expect(() => assertCredentials([{ appId: 1, apiVersion: 'v3' }], { HUBSPOT_DEVELOPER_API_KEY: 'k' })).not.toThrow();
  });

  it('names each missing variable and the apps that need it', () => {
    const error = thrown(() =>
      assertCredentials(
        [
          { appId: 3, apiVersion: 'v3' },
          { appId: 1, apiVersion: 'v3' },
          { appId: 2, apiVersion: '2026-03' },
        ],
        { HUBSPOT_ACCESS_TOKEN: '' },
      ),
    );
    expect(error.message).toBe(
      'missing HubSpot credentials:\n' +
        '  HUBSPOT_DEVELOPER_API_KEY is not set: the developer API key needed by apps 1, 3\n' +
        '  HUBSPOT_ACCESS_TOKEN is not set: the access token needed by app 2',
    );
    expect(error.hint).toContain('HUBSPOT_DEVELOPER_API_KEY and HUBSPOT_ACCESS_TOKEN');
  });

  it('requireCredential returns the secret or names the variable', () => {
    expect(requireCredential({ appId: 1, apiVersion: '2026-03' }, { HUBSPOT_ACCESS_TOKEN: 't' })).toBe('t');
    expect(thrown(() => requireCredential({ appId: 1, apiVersion: '2026-03' }, {})).message).toContain('HUBSPOT_ACCESS_TOKEN is not set');
  });
});

describe('resolveBaseUrl', () => {
  it('prefers --base-url, then HUBSPOT_API_BASE_URL, then HubSpot', () => {
    const env = { HUBSPOT_API_BASE_URL: 'http://127.0.0.1:4010/' };
    expect(resolveBaseUrl('https://proxy.example.com/hubspot/', env)).toBe('https://proxy.example.com/hubspot');
    expect(resolveBaseUrl(undefined, env)).toBe('http://127.0.0.1:4010');
    expect(resolveBaseUrl(undefined, {})).toBe(DEFAULT_BASE_URL);
  });

  it('rejects what is not an http(s) URL, saying where it came from', () => {
    expect(thrown(() => resolveBaseUrl('api.hubapi.com', {})).message).toBe('--base-url "api.hubapi.com" is not a URL');
    expect(thrown(() => resolveBaseUrl(undefined, { HUBSPOT_API_BASE_URL: 'ftp://x' })).message).toBe('HUBSPOT_API_BASE_URL "ftp://x" must use http: or https:');
  });

  it('never echoes a secret pasted into the URL', () => {
    const env = { HUBSPOT_DEVELOPER_API_KEY: 'sekret-key' };
    const message = thrown(() => resolveBaseUrl('https://api.hubapi.com/?hapikey=sekret-key', env)).message;
    expect(message).not.toContain('sekret-key');
    expect(message).toContain('must not have a query');
    expect(thrown(() => resolveBaseUrl('https://me:pw@api.hubapi.com', env)).message).not.toContain('pw');
  });
});
