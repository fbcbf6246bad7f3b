import { describe, expect, it } from 'vitest';
import { readRemote } from '../../../src/commands/remote-context.js';
import { isUserError } from '../../../src/errors.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { ResourceTarget, SettingsClient } from '../../../src/hubspot/types.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';

const target = (appId: number): ResourceTarget => ({ appId, apiVersion: 'v3', auth: 'developer-api-key', resource: 'channel-connection' });

const GAVE_UP = 'api.hubapi.com timed out: no answer for 30 s (10 requests in a row failed)';

/** A client whose GET of app 1 times out and whose other GETs were never sent (the host was given up on). */
const givenUpClient: SettingsClient = {
  get: async ({ appId }) => {
    const base = { appId, resource: 'channel-connection' as const, method: 'GET' as const, rerunnable: true };
    if (appId === 1) throw new HubSpotError(`app 1: GET failed: timed out after 30s`, { ...base, attempts: 6 });
    throw new HubSpotError(`app ${appId}: not attempted`, { ...base, attempts: 0, notAttempted: GAVE_UP });
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
        `  12 more not attempted (apps 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more): ${GAVE_UP}`,
      ].join('\n'),
    );
  });

  it('names a single app in the singular', async () => {
    const error = await readRemote([target(1), target(2)], givenUpClient, { parallelism: 1, targets: [], quiet: true }, memoryRuntime()).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`  1 more not attempted (app 2): ${GAVE_UP}`);
  });

  it('one line per reason nothing was sent, each naming its own apps', async () => {
    const refused = 'HubSpot refused the access token in HUBSPOT_ACCESS_TOKEN (401 for app 3)';
    const client: SettingsClient = {
      ...givenUpClient,
      get: async ({ appId, auth }) => {
        const base = { appId, resource: 'channel-connection' as const, method: 'GET' as const, attempts: 0, rerunnable: false };
        throw new HubSpotError(`app ${appId}: not attempted`, { ...base, notAttempted: auth === 'access-token' ? refused : GAVE_UP });
      },
    };
    const targets = [target(1), { ...target(2), auth: 'access-token' as const }, target(4), { ...target(5), auth: 'access-token' as const }];
    const error = await readRemote(targets, client, { parallelism: 1, targets: [], quiet: true }, memoryRuntime()).catch((e: unknown) => e);
    expect((error as Error).message.split('\n').slice(1)).toEqual([`  2 more not attempted (apps 1, 4): ${GAVE_UP}`, `  2 more not attempted (apps 2, 5): ${refused}`]);
  });

  it('an interrupt clears the progress line at once and starts no further GET', async () => {
    const runtime = memoryRuntime({ tty: true });
    const controller = new AbortController();
    const started: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const client: SettingsClient = {
      ...givenUpClient,
      get: async ({ appId }) => {
        started.push(appId);
        await held;
        return null;
      },
    };
    const reading = readRemote([target(1), target(2), target(3)], client, { parallelism: 1, targets: [], quiet: false, signal: controller.signal }, runtime).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runtime.err()).toBe('\rReading remote settings 0/3\u001b[K');
    controller.abort();
    // Cleared before the read in flight settles: the interrupt's message follows on a clean line.
    expect(runtime.err()).toBe('\rReading remote settings 0/3\u001b[K\r\u001b[2K');
    release();
    await reading;
    expect(started).toEqual([1]);
    // The read that settled after the interrupt draws nothing more: the line may be the error's by then.
    expect(runtime.err()).toBe('\rReading remote settings 0/3\u001b[K\r\u001b[2K');
  });

  it('once the reads are done, a later interrupt (at the prompt, during writes) does not touch the line', async () => {
    const runtime = memoryRuntime({ tty: true });
    const controller = new AbortController();
    const client: SettingsClient = { ...givenUpClient, get: async () => null };
    await readRemote([target(1), target(2)], client, { parallelism: 1, targets: [], quiet: false, signal: controller.signal }, runtime);
    const after = runtime.err();
    controller.abort();
    expect(runtime.err()).toBe(after);
  });

  it("says why the count stands still while the client waits for the rate limit, until that wait is over", async () => {
    const runtime = memoryRuntime({ tty: true });
    const listeners = new Set<(wait: { ms: number; reason: string }) => void>();
    const client: SettingsClient = {
      ...givenUpClient,
      get: async ({ appId }) => {
        if (appId === 2) for (const listener of listeners) listener({ ms: 8200, reason: "HubSpot's rate limit" });
        // A short wait passes unsaid; by the time app 3 is read, the long one is over.
        if (appId === 3) {
          await runtime.sleep(9000);
          for (const listener of listeners) listener({ ms: 300, reason: "HubSpot's rate limit" });
        }
        return null;
      },
      onWait: (listener) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    await readRemote([target(1), target(2), target(3)], client, { parallelism: 1, targets: [], quiet: false }, runtime);
    expect(runtime.err().split('\r').filter(Boolean)).toEqual([
      'Reading remote settings 0/3\u001b[K',
      'Reading remote settings 1/3\u001b[K',
      "Reading remote settings 1/3 (waiting 9 s for HubSpot's rate limit)\u001b[K",
      // Another read settling meanwhile does not hide the wait.
      "Reading remote settings 2/3 (waiting 9 s for HubSpot's rate limit)\u001b[K",
      'Reading remote settings 3/3\u001b[K',
      '\u001b[2K',
    ]);
    // Unsubscribed once the reads are done.
    expect(listeners.size).toBe(0);
  });

  it('draws nothing on a terminal that cannot redraw a line (TERM=dumb)', async () => {
    const runtime = memoryRuntime({ tty: true });
    const dumb = { ...runtime, stderr: { ...runtime.stderr, redraws: false } };
    await readRemote([target(1), target(2), target(3)], { ...givenUpClient, get: async () => null }, { parallelism: 1, targets: [], quiet: false }, dumb);
    expect(runtime.err()).toBe('');
  });

  it('keeps the line to one row of a narrow terminal, so redrawing leaves no stale rows', async () => {
    const runtime = memoryRuntime({ tty: true });
    const narrow = { ...runtime, stderr: { ...runtime.stderr, columns: 20 } };
    await readRemote([target(1), target(2), target(3)], { ...givenUpClient, get: async () => null }, { parallelism: 1, targets: [], quiet: false }, narrow);
    const drawn = runtime.err().split('\r').filter(Boolean);
    expect(drawn[0]).toBe('Reading remote sett\u001b[K');
    for (const line of drawn) expect(line.replace('\u001b[K', '').replace('\u001b[2K', '').length).toBeLessThan(20);
  });
});
