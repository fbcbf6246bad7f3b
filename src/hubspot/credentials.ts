import { UserError } from '../errors.js';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import { FLAVOURS } from './flavours.js';
import type { AppTarget } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** HubSpot's public API host, used when neither `--base-url` nor HUBSPOT_API_BASE_URL is given. */
export const DEFAULT_BASE_URL = 'https://api.hubapi.com';

/**
 * The secret `target`'s flavour needs.
 *
 * @throws UserError naming the variable when it is unset or empty.
 */
export function requireCredential(target: AppTarget, env: Env): string {
  const flavour = FLAVOURS[target.apiVersion];
  const value = env[flavour.credentialVariable];
  if (value !== undefined && value !== '') return value;
  throw missingCredentials(new Map([[flavour.credentialVariable, { name: flavour.credentialName, appIds: [target.appId] }]]));
}

/**
 * Checks, before the first request, that every credential the targets need
 * is set (DESIGN.md "Credentials": a missing one fails the run up front).
 *
 * @throws UserError naming each missing variable and the apps that need it.
 */
export function assertCredentials(targets: readonly AppTarget[], env: Env): void {
  const missing = new Map<string, { name: string; appIds: number[] }>();
  for (const target of targets) {
    const flavour = FLAVOURS[target.apiVersion];
    const value = env[flavour.credentialVariable];
    if (value !== undefined && value !== '') continue;
    const entry = missing.get(flavour.credentialVariable) ?? { name: flavour.credentialName, appIds: [] };
    if (!entry.appIds.includes(target.appId)) entry.appIds.push(target.appId);
    missing.set(flavour.credentialVariable, entry);
  }
  if (missing.size > 0) throw missingCredentials(missing);
}

function missingCredentials(missing: ReadonlyMap<string, { name: string; appIds: readonly number[] }>): UserError {
  const lines = [...missing].map(([variable, { name, appIds }]) => {
    const apps = [...appIds].sort((a, b) => a - b).join(', ');
    return `${variable} is not set: the ${name} needed by app${appIds.length === 1 ? '' : 's'} ${apps}`;
  });
  return new UserError(`missing HubSpot credential${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`, {
    hint: `Export ${[...missing.keys()].join(' and ')} before running hscc (apiVersion v3 uses the developer API key, 2026-03 an access token).`,
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
    // The value might hold a pasted secret; never echo one (nor a URL's password).
    const hasUserInfo = url !== undefined && (url.username !== '' || url.password !== '');
    const shown = hasUserInfo ? '' : ` "${createScrubber(secretValuesFrom(env))(raw)}"`;
    throw new UserError(`${source}${shown} ${problem ?? 'is not a URL'}`, {
      hint: `Use an absolute URL such as ${DEFAULT_BASE_URL} or http://127.0.0.1:PORT for the emulator.`,
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
