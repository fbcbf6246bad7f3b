// Which API route a path addresses and who is calling: every resource of
// src/resources under every version of src/hubspot/api-versions.ts, with
// either auth on any version (DESIGN.md "The HubSpot API"). Both lists are
// read as data: a new resource or version needs no change here.
import type { IncomingMessage } from 'node:http';
import type { ApiVersion } from '../config/model.js';
import { API_VERSION_TABLE } from '../hubspot/api-versions.js';
import { RESOURCES, type ResourceDescriptor } from '../resources/index.js';

/** The credentials the emulator accepts; an undefined one means "any non-empty value". */
export interface EmulatorCredentials {
  /** Developer API key (`?hapikey=`): full access. */
  apiKey?: string | undefined;
  /** Bearer token with `developers-read` and `developers-write`. */
  accessToken?: string | undefined;
  /** Bearer token with `developers-read` only: writes answer 403 MISSING_SCOPES. */
  readOnlyToken?: string | undefined;
}

/** A path resolved to a resource route, with its (unchecked) appId segment. */
export interface ResourceRoute {
  kind: 'resource';
  apiVersion: ApiVersion;
  resource: ResourceDescriptor;
  appIdText: string;
}

/** `POST …/recordings/ready` (the SDK's `recordingSettingsApi.markAsReady`): an action on a call, not a resource. */
export interface RecordingReadyRoute {
  kind: 'recording-ready';
  apiVersion: ApiVersion;
}

export type ApiRoute = ResourceRoute | RecordingReadyRoute;

const PREFIXES = Object.entries(API_VERSION_TABLE).map(([apiVersion, row]) => ({
  apiVersion: apiVersion as ApiVersion,
  prefix: `${row.pathPrefix}/`,
}));
const BY_SEGMENT = new Map(RESOURCES.map((resource) => [resource.pathSegment, resource]));
const RECORDING_READY = 'recordings/ready';

/** The API route a path (without query) addresses, or undefined for a route HubSpot does not have. */
export function matchApiRoute(path: string): ApiRoute | undefined {
  for (const { apiVersion, prefix } of PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    if (rest === RECORDING_READY) return { kind: 'recording-ready', apiVersion };
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    const resource = BY_SEGMENT.get(rest.slice(slash + 1));
    return resource === undefined ? undefined : { kind: 'resource', apiVersion, resource, appIdText: rest.slice(0, slash) };
  }
  return undefined;
}

/** How a request authenticated, or why it did not. */
export type AuthVerdict =
  | { ok: true; auth: 'developer-api-key' | 'access-token'; readOnly: boolean; /** The rate-limit window it counts in. */ limitKey: string }
  | { ok: false; message: string };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const MISSING =
  'Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication: ' +
  'send a developer API key in the hapikey query parameter or an access token in an "Authorization: Bearer" header.';

function hapikeyOf(query: string): string | undefined {
  if (!query.includes('hapikey')) return undefined;
  return new URLSearchParams(query).get('hapikey') ?? undefined;
}

/**
 * Authenticates a request. An `Authorization` header wins over `hapikey`
 * (a client sends one or the other). A configured credential must match
 * exactly; an unconfigured one accepts any non-empty value, except that a
 * configured credential is never accepted in another role (the read-only
 * token is never a full token, the key never a token).
 */
export function authenticate(req: IncomingMessage, query: string, credentials: EmulatorCredentials): AuthVerdict {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return { ok: false, message: MISSING };
    if (token === credentials.readOnlyToken) return { ok: true, auth: 'access-token', readOnly: true, limitKey: `t:${token}` };
    const accepted = credentials.accessToken === undefined ? token !== credentials.apiKey : token === credentials.accessToken;
    if (accepted) return { ok: true, auth: 'access-token', readOnly: false, limitKey: `t:${token}` };
    return { ok: false, message: 'The access token provided is invalid or expired.' };
  }
  const key = hapikeyOf(query);
  if (key === undefined || key === '') return { ok: false, message: MISSING };
  const configured = [credentials.accessToken, credentials.readOnlyToken];
  const accepted = credentials.apiKey === undefined ? !configured.includes(key) : key === credentials.apiKey;
  if (accepted) return { ok: true, auth: 'developer-api-key', readOnly: false, limitKey: `k:${key}` };
  return { ok: false, message: 'The developer API key provided is invalid.' };
}
