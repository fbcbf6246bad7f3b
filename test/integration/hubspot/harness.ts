import { createHubSpotClient } from '../../../src/hubspot/client.js';
import type { ResourceTarget, SettingsClient } from '../../../src/hubspot/types.js';

export const BASE = 'https://api.hubapi.com';
export const API_KEY = 'dev-key-3f9a+secret/value';
export const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
export const V3: ResourceTarget = { appId: 1234567, apiVersion: 'v3', auth: 'developer-api-key', resource: 'channel-connection' };
export const NEXT: ResourceTarget = { appId: 7654321, apiVersion: '2026-03', auth: 'access-token', resource: 'channel-connection' };
export const V3_PATH = '/crm/v3/extensions/calling/1234567/settings/channel-connection';
export const NEXT_PATH = '/crm/extensions/calling/2026-03/7654321/settings/channel-connection';

/** HubSpot's own "not found": the only 404 that means the resource does not exist. */
export const NOT_FOUND = { status: 'error', message: 'Resource not found', correlationId: 'c0ffee-404', category: 'OBJECT_NOT_FOUND' };

export interface Harness {
  client: SettingsClient;
  /** Milliseconds passed to sleep(), in order. */
  sleeps: number[];
  /** Lines given to options.log. */
  logs: string[];
}

/** A client over nock with a fake clock: sleep() records and advances now(). */
export function harness(
  overrides: { timeoutMs?: number; random?: () => number; env?: Record<string, string>; baseUrl?: string; interrupted?: AbortSignal } = {},
): Harness {
  let clock = Date.UTC(2026, 2, 1, 12, 0, 0);
  const sleeps: number[] = [];
  const logs: string[] = [];
  const client = createHubSpotClient({
    baseUrl: overrides.baseUrl ?? BASE,
    env: overrides.env ?? { HUBSPOT_DEVELOPER_API_KEY: API_KEY, HUBSPOT_ACCESS_TOKEN: TOKEN },
    timeoutMs: overrides.timeoutMs ?? 30_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: overrides.random ?? (() => 0.5),
    now: () => clock,
    log: (line) => logs.push(line),
    ...(overrides.interrupted === undefined ? {} : { interrupted: overrides.interrupted }),
  });
  return { client, sleeps, logs };
}

/** Runs `promise`, expecting it to reject, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the promise to reject');
}

/**
 * A connection-level error for nock's replyWithError. It must be an Error
 * instance: nock 14 never delivers a plain object to got (the request hangs).
 */
export function socketError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}
