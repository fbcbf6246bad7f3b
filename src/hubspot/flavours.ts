import type { ApiVersion } from '../config/model.js';

/** Where a request carries its credential. */
export interface Authorization {
  /** Extra request headers. */
  headers: Record<string, string>;
  /** Extra query parameters. */
  searchParams: Record<string, string>;
}

/** How one API flavour addresses an app's settings and authenticates. */
export interface Flavour {
  /** The environment variable holding this flavour's secret. */
  readonly credentialVariable: string;
  /** What the secret is, for messages. */
  readonly credentialName: string;
  /** The settings path for `appId`, starting with `/`, without query. */
  settingsPath(appId: number): string;
  /** Places `secret` on a request; the secret must then be scrubbed from all output. */
  authorize(secret: string): Authorization;
}

/**
 * One entry per API flavour (DESIGN.md "The HubSpot API"). Keyed by the full
 * `ApiVersion` union, so adding a version fails to compile until its entry
 * exists here; nothing else in hscc needs to change.
 */
export const FLAVOURS: Readonly<Record<ApiVersion, Flavour>> = {
  v3: {
    credentialVariable: 'HUBSPOT_DEVELOPER_API_KEY',
    credentialName: 'developer API key',
    settingsPath: (appId) => `/crm/v3/extensions/calling/${appId}/settings/channel-connection`,
    // App-settings endpoints of v3 take the developer account's key as `hapikey`.
    authorize: (secret) => ({ headers: {}, searchParams: { hapikey: secret } }),
  },
  '2026-03': {
    credentialVariable: 'HUBSPOT_ACCESS_TOKEN',
    credentialName: 'access token',
    settingsPath: (appId) => `/crm/extensions/calling/2026-03/${appId}/settings/channel-connection`,
    authorize: (secret) => ({ headers: { authorization: `Bearer ${secret}` }, searchParams: {} }),
  },
};
