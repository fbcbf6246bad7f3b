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
export function clientSecretFor(appId: number, env: Env): string | undefined {
  const variable = clientSecretVariable(appId, env);
  return variable === undefined ? undefined : env[variable];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The variable `clientSecretFor` reads for `appId`, or undefined when neither is set. */
function clientSecretVariable(appId: number, env: Env): string | undefined {
  const own = clientSecretEnvName(appId);
  if (env[own] !== undefined && env[own] !== '') return own;
  return env.HUBSPOT_CLIENT_SECRET !== undefined && env.HUBSPOT_CLIENT_SECRET !== '' ? 'HUBSPOT_CLIENT_SECRET' : undefined;
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
 * quoting a value; [] when nothing is. Apps with no secret are not counted.
 */
export function malformedSecrets(appIds: readonly number[], env: Env): string[] {
  const problems = new Set<string>();
  for (const appId of appIds) {
    const variable = clientSecretVariable(appId, env);
    const problem = variable === undefined ? undefined : secretMalformation(env[variable] as string);
    if (problem !== undefined) problems.add(`${variable} ${problem}`);
  }
  return [...problems];
}

/** `malformed client secret: HUBSPOT_CLIENT_SECRET ends with a line break` (one line, as serve logs it). */
export function malformedSecretsMessage(problems: readonly string[]): string {
  return `malformed client secret${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`;
}

/**
 * Checks, before the first request, that every app in `appIds` has a
 * client secret and that none is malformed.
 *
 * @throws UserError starting with `cannot` (`cannot probe webhooks: no client secret for app 7: …`).
 */
export function assertClientSecrets(appIds: readonly number[], env: Env, cannot: string): void {
  const without = appIds.filter((appId) => clientSecretVariable(appId, env) === undefined);
  if (without.length > 0) throw new UserError(`${cannot}: ${missingSecretMessage(without)}`);
  const problems = malformedSecrets(appIds, env);
  if (problems.length > 0) throw new UserError(`${cannot}: ${malformedSecretsMessage(problems)}`, { hint: MALFORMED_SECRET_HINT });
}
