import type { AuthMode } from '../config/model.js';
import { UserError } from '../errors.js';
import { createScrubber, MALFORMED_SECRET_HINT, redactUrlValue, secretMalformation, secretValuesFrom } from '../runtime/secrets.js';
import { AUTH_MODE_TABLE } from './auth-modes.js';
import type { ResourceTarget } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the credential check needs of a target: the app (for messages) and its auth. */
export type CredentialTarget = Pick<ResourceTarget, 'appId' | 'apiVersion' | 'auth'>;

/** HubSpot's public API host, used when neither `--base-url` nor HUBSPOT_API_BASE_URL is given. */
export const DEFAULT_BASE_URL = 'https://api.hubapi.com';

/**
 * The secret `target`'s auth mode needs.
 *
 * @throws UserError naming the variable when it is unset, empty or malformed.
 */
export function requireCredential(target: Pick<ResourceTarget, 'appId' | 'auth'>, env: Env): string {
  const mode = AUTH_MODE_TABLE[target.auth];
  const value = env[mode.variable];
  if (value === undefined || value === '') {
    throw missingCredentials(new Map([[mode.variable, { name: mode.credentialName, auth: target.auth, appIds: [target.appId] }]]));
  }
  const problem = secretMalformation(value);
  if (problem !== undefined) throw malformedCredentials([`${mode.variable} ${problem}`]);
  return value;
}

function malformedCredentials(problems: readonly string[]): UserError {
  return new UserError(`malformed HubSpot credential${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`, {
    hint: MALFORMED_SECRET_HINT,
  });
}

/**
 * Checks, before the first request, that every credential the targets need
 * is set (DESIGN.md "Credentials": a missing one fails the run up front).
 * The auth mode alone decides the variable, whatever the API version.
 *
 * @throws UserError naming each missing variable and the apps that need it,
 *   or each variable whose value holds a control or invisible character.
 */
export function assertCredentials(targets: readonly CredentialTarget[], env: Env): void {
  const missing = new Map<string, MissingCredential>();
  for (const target of targets) {
    const mode = AUTH_MODE_TABLE[target.auth];
    const value = env[mode.variable];
    if (value !== undefined && value !== '') continue;
    const entry = missing.get(mode.variable) ?? { name: mode.credentialName, auth: target.auth, appIds: [] };
    if (!entry.appIds.includes(target.appId)) entry.appIds.push(target.appId);
    missing.set(mode.variable, entry);
  }
  if (missing.size > 0) throw missingCredentials(missing);
  const malformed = new Set<string>();
  for (const target of targets) {
    const { variable } = AUTH_MODE_TABLE[target.auth];
    const problem = secretMalformation(env[variable] as string);
    if (problem !== undefined) malformed.add(`${variable} ${problem}`);
  }
  if (malformed.size > 0) throw malformedCredentials([...malformed]);
}

interface MissingCredential {
  name: string;
  auth: AuthMode;
  appIds: number[];
}

function missingCredentials(missing: ReadonlyMap<string, MissingCredential>): UserError {
  const lines = [...missing].map(([variable, { name, appIds }]) => {
    const apps = [...appIds].sort((a, b) => a - b).join(', ');
    return `${variable} is not set: the ${name} needed by app${appIds.length === 1 ? '' : 's'} ${apps}`;
  });
  const modes = [...missing.values()].map(({ auth }) => `auth ${auth} reads ${AUTH_MODE_TABLE[auth].variable}`);
  return new UserError(`missing HubSpot credential${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`, {
    hint: `Export ${[...missing.keys()].join(' and ')} before running hscc (${modes.join('; ')}).`,
  });
}

/**
 * The API base URL: `flag` (from `--base-url`) wins over HUBSPOT_API_BASE_URL,
 * which wins over https://api.hubapi.com. Returned without a trailing slash,
 * so a path prefix (a proxy, the emulator) is kept.
 *
 * @throws UserError when the chosen value is not an http(s) URL without query or fragment.
 */
export function resolveBaseUrl(flag: string | undefined, env: Env): string {
  const fromEnv = env.HUBSPOT_API_BASE_URL;
  const [raw, source] =
    flag !== undefined && flag !== ''
      ? [flag, '--base-url']
      : fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, 'HUBSPOT_API_BASE_URL']
        : [DEFAULT_BASE_URL, 'default base URL'];
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const problem =
    url === undefined
      ? 'is not a URL'
      : url.protocol !== 'http:' && url.protocol !== 'https:'
        ? 'must use http: or https:'
        : url.search !== '' || url.hash !== ''
          ? 'must not have a query or fragment (credentials come from the environment)'
          : url.username !== '' || url.password !== ''
            ? 'must not contain a user name or password'
            : undefined;
  if (url === undefined || problem !== undefined) {
    // The value might hold a pasted secret or a password: echo neither.
    const shown = createScrubber(secretValuesFrom(env))(redactUrlValue(raw, ''));
    throw new UserError(`${source} "${shown}" ${problem ?? 'is not a URL'}`, {
      hint: `Use an absolute URL such as ${DEFAULT_BASE_URL} or http://127.0.0.1:PORT for the emulator.`,
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
