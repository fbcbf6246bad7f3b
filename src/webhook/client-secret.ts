import { UserError } from '../errors.js';
import { MALFORMED_SECRET_HINT, secretMalformation } from '../runtime/secrets.js';

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

/**
 * What is wrong with the secrets `appIds` would sign or verify with, one line
 * per variable (`HUBSPOT_CLIENT_SECRET ends with a line break`), never
 * quoting a value; [] when nothing is.
 */
export function malformedSecrets(appIds: readonly number[], env: Readonly<Record<string, string | undefined>>): string[] {
  const problems = new Set<string>();
  for (const appId of appIds) {
    const own = env[clientSecretEnvName(appId)];
    const variable = own !== undefined && own !== '' ? clientSecretEnvName(appId) : 'HUBSPOT_CLIENT_SECRET';
    const value = env[variable];
    const problem = value === undefined || value === '' ? undefined : secretMalformation(value);
    if (problem !== undefined) problems.add(`${variable} ${problem}`);
  }
  return [...problems];
}

/** @throws UserError (`cannot probe webhooks: …`) naming each malformed secret `appIds` would use. */
export function assertWellFormedSecrets(appIds: readonly number[], env: Readonly<Record<string, string | undefined>>, cannot: string): void {
  const problems = malformedSecrets(appIds, env);
  if (problems.length === 0) return;
  throw new UserError(`${cannot}: malformed client secret${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`, { hint: MALFORMED_SECRET_HINT });
}
