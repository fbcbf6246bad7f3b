/** The environment variable holding one app's own client secret. */
export function clientSecretEnvName(appId: number): string {
  return `HUBSPOT_CLIENT_SECRET_${appId}`;
}

/**
 * The client secret that signs HubSpot's calls for `appId`:
 * `HUBSPOT_CLIENT_SECRET_<appId>` when set, else `HUBSPOT_CLIENT_SECRET`,
 * else undefined. Empty values count as unset.
 */
export function clientSecretFor(appId: number, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const own = env[clientSecretEnvName(appId)];
  if (own !== undefined && own !== '') return own;
  const shared = env.HUBSPOT_CLIENT_SECRET;
  return shared !== undefined && shared !== '' ? shared : undefined;
}

/** What to tell a user whose app has no secret. */
export function missingSecretMessage(appIds: readonly number[]): string {
  const which = appIds.length === 1 ? `app ${appIds[0]}` : `apps ${appIds.join(', ')}`;
  const names = appIds.map(clientSecretEnvName).join(', ');
  return `no client secret for ${which}: set ${names} or HUBSPOT_CLIENT_SECRET.`;
}
