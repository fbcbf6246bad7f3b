import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { assertCredentials, DEFAULT_BASE_URL, requireCredential, resolveBaseUrl } from '../../../src/hubspot/credentials.js';
import { AUTH_MODE_TABLE } from '../../../src/hubspot/auth-modes.js';
import { resourcePath } from '../../../src/hubspot/resource-path.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('AUTH_MODE_TABLE and resourcePath', () => {
  it('places each auth mode\'s credential', () => {
    expect(AUTH_MODE_TABLE['developer-api-key'].authorize('k')).toEqual({ headers: {}, searchParams: { hapikey: 'k' } });
    expect(AUTH_MODE_TABLE['access-token'].authorize('t')).toEqual({ headers: { authorization: 'Bearer t' }, searchParams: {} });
  });

  it('builds the path from the version prefix, the app and the resource segment', () => {
    expect(resourcePath({ appId: 42, apiVersion: 'v3', resource: 'channel-connection' })).toBe('/crm/v3/extensions/calling/42/settings/channel-connection');
    expect(resourcePath({ appId: 42, apiVersion: '2025-09', resource: 'calling-settings' })).toBe('/crm/extensions/calling/2025-09/42/settings');
    expect(resourcePath({ appId: 42, apiVersion: '2026-09', resource: 'recording-settings' })).toBe('/crm/extensions/calling/2026-09/42/settings/recording');
  });
});

describe('assertCredentials', () => {
  it('passes when every needed variable is set', () => {
    expect(() => assertCredentials([{ appId: 1, apiVersion: 'v3', auth: 'developer-api-key' }], { HUBSPOT_DEVELOPER_API_KEY: 'k' })).not.toThrow();
  });

  it('the auth mode picks the variable, not the version', () => {
    expect(() => assertCredentials([{ appId: 1, apiVersion: 'v3', auth: 'access-token' }], { HUBSPOT_ACCESS_TOKEN: 't' })).not.toThrow();
    expect(thrown(() => assertCredentials([{ appId: 1, apiVersion: '2026-09', auth: 'developer-api-key' }], { HUBSPOT_ACCESS_TOKEN: 't' })).message).toBe(
      'missing HubSpot credential:\n  HUBSPOT_DEVELOPER_API_KEY is not set: the developer API key needed by app 1',
    );
  });

  it('names each missing variable and the apps that need it', () => {
    const error = thrown(() =>
      assertCredentials(
        [
          { appId: 3, apiVersion: 'v3', auth: 'developer-api-key' },
          { appId: 1, apiVersion: '2026-03', auth: 'developer-api-key' },
          { appId: 3, apiVersion: 'v3', auth: 'developer-api-key' },
          { appId: 2, apiVersion: '2026-03', auth: 'access-token' },
        ],
        { HUBSPOT_ACCESS_TOKEN: '' },
      ),
    );
    expect(error.message).toBe(
      'missing HubSpot credentials:\n' +
        '  HUBSPOT_DEVELOPER_API_KEY is not set: the developer API key needed by apps 1, 3\n' +
        '  HUBSPOT_ACCESS_TOKEN is not set: the access token needed by app 2',
    );
    expect(error.hint).toBe(
      'Export HUBSPOT_DEVELOPER_API_KEY and HUBSPOT_ACCESS_TOKEN before running hscc (auth developer-api-key reads HUBSPOT_DEVELOPER_API_KEY; auth access-token reads HUBSPOT_ACCESS_TOKEN).',
    );
  });

  it('refuses a credential with a trailing newline or an invisible character before any request, never quoting it', () => {
    const token = 'pat-na1-0123456789abcdef0123456789abcdef';
    const targets = [
      { appId: 1, apiVersion: '2026-03', auth: 'access-token' },
      { appId: 2, apiVersion: '2026-03', auth: 'access-token' },
      { appId: 3, apiVersion: 'v3', auth: 'developer-api-key' },
    ] as const;
    const error = thrown(() => assertCredentials(targets, { HUBSPOT_ACCESS_TOKEN: `${token}\n`, HUBSPOT_DEVELOPER_API_KEY: 'dev-key\u200bx' }));
    expect(error.message).toBe(
      'malformed HubSpot credentials:\n' +
        '  HUBSPOT_ACCESS_TOKEN ends with a line break\n' +
        '  HUBSPOT_DEVELOPER_API_KEY holds a control or invisible character (at position 8 of 9)',
    );
    expect(error.hint).toMatch(/^HubSpot's credentials and client secrets hold no such character/);
    expect(`${error.message}${error.hint}`).not.toContain(token);
    expect(thrown(() => requireCredential({ appId: 1, auth: 'access-token' }, { HUBSPOT_ACCESS_TOKEN: `${token}\r\n` })).message).toContain(
      'HUBSPOT_ACCESS_TOKEN ends with a line break',
    );
    // A space is unusual but not broken: it is sent encoded.
    expect(() => assertCredentials(targets, { HUBSPOT_ACCESS_TOKEN: token, HUBSPOT_DEVELOPER_API_KEY: 'dev key' })).not.toThrow();
  });

  it('requireCredential returns the secret or names the variable', () => {
    expect(requireCredential({ appId: 1, auth: 'access-token' }, { HUBSPOT_ACCESS_TOKEN: 't' })).toBe('t');
    expect(thrown(() => requireCredential({ appId: 1, auth: 'access-token' }, {})).message).toContain('HUBSPOT_ACCESS_TOKEN is not set');
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
    expect(thrown(() => resolveBaseUrl('https://me:pw@api.hubapi.com', env)).message).toBe('--base-url "https://api.hubapi.com" must not contain a user name or password');
  });

  it('reports a URL that does not parse without its userinfo', () => {
    expect(thrown(() => resolveBaseUrl('https://me:s3cr3t-pass@api.hubapi.com:99999/x', {})).message).toBe('--base-url "https://api.hubapi.com:99999/x" is not a URL');
    expect(thrown(() => resolveBaseUrl(undefined, { HUBSPOT_API_BASE_URL: 'https://me:p@ss@[::1' })).message).toBe('HUBSPOT_API_BASE_URL "https://[::1" is not a URL');
    // An @ in the path is not userinfo.
    expect(thrown(() => resolveBaseUrl('ftp://host/a@b', {})).message).toBe('--base-url "ftp://host/a@b" must use http: or https:');
  });
});
