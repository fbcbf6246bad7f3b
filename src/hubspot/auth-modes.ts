import type { AuthMode } from '../config/model.js';

/** Where a request carries its credential. */
export interface Authorization {
  /** Extra request headers. */
  headers: Record<string, string>;
  /** Extra query parameters. */
  searchParams: Record<string, string>;
}

/** How one auth mode authenticates, independent of the API version. */
export interface AuthModeEntry {
  /** The environment variable holding the secret. */
  readonly variable: string;
  /** What the secret is, for messages. */
  readonly credentialName: string;
  /** Places `secret` on a request; the secret must then be scrubbed from all output. */
  authorize(secret: string): Authorization;
}

/**
 * One row per auth mode (DESIGN.md "The HubSpot API"). Keyed by the full
 * `AuthMode` union, so a new mode fails to compile until its row exists.
 */
export const AUTH_MODE_TABLE: Readonly<Record<AuthMode, AuthModeEntry>> = {
  'developer-api-key': {
    variable: 'HUBSPOT_DEVELOPER_API_KEY',
    credentialName: 'developer API key',
    // App-settings endpoints take the developer account's key as `hapikey`.
    authorize: (secret) => ({ headers: {}, searchParams: { hapikey: secret } }),
  },
  'access-token': {
    variable: 'HUBSPOT_ACCESS_TOKEN',
    credentialName: 'access token',
    authorize: (secret) => ({ headers: { authorization: `Bearer ${secret}` }, searchParams: {} }),
  },
};
