// The API flavours of DESIGN.md "The HubSpot API": where each one lives and
// how it authenticates. Adding a flavour is one more entry in FLAVOURS.
import type { IncomingMessage } from 'node:http';
import type { ApiVersion } from '../config/model.js';

/** The credentials the emulator accepts; an undefined one means "any non-empty value". */
export interface EmulatorCredentials {
  /** Developer API key for v3 (`?hapikey=`). */
  apiKey?: string | undefined;
  /** Bearer token for 2026-03. */
  accessToken?: string | undefined;
}

/** One API flavour: its path, where its credential travels, and the messages of a 401. */
export interface ApiFlavour {
  apiVersion: ApiVersion;
  /** Matches the settings path; group 1 is the appId segment, unchecked. */
  pattern: RegExp;
  /** The presented credential, or undefined when there is none. */
  credential(req: IncomingMessage, query: string): string | undefined;
  /** The credential this flavour accepts. */
  expected(credentials: EmulatorCredentials): string | undefined;
  missingMessage: string;
  invalidMessage: string;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const FLAVOURS: readonly ApiFlavour[] = [
  {
    apiVersion: 'v3',
    pattern: /^\/crm\/v3\/extensions\/calling\/([^/]+)\/settings\/channel-connection$/,
    credential: (_req, query) => (query === '' ? undefined : (new URLSearchParams(query).get('hapikey') ?? undefined)),
    expected: (credentials) => credentials.apiKey,
    missingMessage:
      'Authentication credentials not found. This API expects a developer API key in the hapikey query parameter.',
    invalidMessage: 'The developer API key provided is invalid.',
  },
  {
    apiVersion: '2026-03',
    pattern: /^\/crm\/extensions\/calling\/2026-03\/([^/]+)\/settings\/channel-connection$/,
    credential: (req) => BEARER.exec(req.headers.authorization ?? '')?.[1],
    expected: (credentials) => credentials.accessToken,
    missingMessage:
      'Authentication credentials not found. This API expects an access token in an "Authorization: Bearer" header.',
    invalidMessage: 'The access token provided is invalid or expired.',
  },
];

/** A request path resolved to its flavour and (unchecked) appId segment. */
export interface ApiRoute {
  flavour: ApiFlavour;
  appIdText: string;
}

/** The API route a path (without query) addresses, or undefined. */
export function matchApiRoute(path: string): ApiRoute | undefined {
  for (const flavour of FLAVOURS) {
    const match = flavour.pattern.exec(path);
    if (match !== null) return { flavour, appIdText: match[1] ?? '' };
  }
  return undefined;
}

/**
 * Whether a presented credential is accepted: equal to the configured one, or
 * any non-empty value when none is configured.
 */
export function isAccepted(presented: string | undefined, expected: string | undefined): boolean {
  if (presented === undefined || presented === '') return false;
  return expected === undefined || presented === expected;
}
