import { describe, expect, it } from 'vitest';
import { readRemote } from '../../../src/commands/remote-context.js';
import { isUserError } from '../../../src/errors.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { ResourceTarget, SettingsClient } from '../../../src/hubspot/types.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';

const target = (appId: number): ResourceTarget => ({ appId, apiVersion: 'v3', auth: 'developer-api-key', resource: 'channel-connection' });

/** A client whose GET of app 1 times out and whose other GETs were never sent (the host was given up on). */
const givenUpClient: SettingsClient = {
  get: async ({ appId }) => {
    const base = { appId, resource: 'channel-connection' as const, method: 'GET' as const, rerunnable: true };
    if (appId === 1) throw new HubSpotError(`app 1: GET failed: timed out after 30s`, { ...base, attempts: 6 });
    throw new HubSpotError(`app ${appId}: not attempted`, { ...base, attempts: 0, notAttempted: true });
  },
  create: () => Promise.reject(new Error('unused')),
  update: () => Promise.reject(new Error('unused')),
  delete: () => Promise.reject(new Error('unused')),
};

describe('readRemote', () => {
  it('lists each failed read, and the reads never sent as one line naming their apps', async () => {
    const targets = Array.from({ length: 13 }, (_, i) => target(i + 1));
    const error = await readRemote(targets, givenUpClient, { parallelism: 4, targets: [], quiet: true }, memoryRuntime()).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      [
        'could not read 13 of 13 resources; nothing was changed:',
        '  app 1: GET failed: timed out after 30s',
        '  12 more not attempted (apps 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more): the host had stopped answering',
      ].join('\n'),
    );
  });

  it('names a single app in the singular', async () => {
    const error = await readRemote([target(1), target(2)], givenUpClient, { parallelism: 1, targets: [], quiet: true }, memoryRuntime()).catch((e: unknown) => e);
    expect((error as Error).message).toContain('  1 more not attempted (app 2): the host had stopped answering');
  });
});
