import { describe, expect, it } from 'vitest';
import { applyPlan, differsFromPlanned, patchOf, writeOrder } from '../../../src/apply/apply-plan.js';
import { EmulatorStore } from '../../../src/emulator/store.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { RemoteResource, SettingsClient } from '../../../src/hubspot/types.js';
import { buildPlan, isEmptyPlan } from '../../../src/plan/build-plan.js';
import { changeKey, type ChangeKey } from '../../../src/plan/model.js';
import type { AppConfig } from '../../../src/config/model.js';
import type { Fields, ResourceName } from '../../../src/resources/index.js';
import { createStoreClient, failWhen, hubSpotError, type StoreClientOptions } from '../../helpers/store-client.js';
import { absent, app, calling, present, recording, remote, settings } from '../../helpers/builders.js';

const VERB = { get: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' } as const;

/** The shared HubSpot model, seeded; `calls` reads as `POST 1/calling-settings`. */
function fakeClient(seed: [ChangeKey, Fields][] = [], fail?: StoreClientOptions['fail']) {
  const store = new EmulatorStore();
  for (const [key, fields] of seed) {
    const [appId, resource] = key.split('/') as [string, ResourceName];
    store.create(Number(appId), resource, fields);
  }
  const client = createStoreClient(store, fail === undefined ? {} : { fail });
  const log = { length: 0 };
  const calls = {
    get list(): string[] {
      return client.calls.slice(log.length).map((call) => `${VERB[call.method]} ${changeKey(call.target)}`);
    },
    clear() {
      log.length = client.calls.length;
    },
  };
  return { client, store, calls };
}

async function observe(apps: AppConfig[], client: SettingsClient) {
  const entries: [ChangeKey, RemoteResource | null][] = [];
  for (const a of apps) {
    for (const resource of Object.keys(a.resources) as (keyof AppConfig['resources'])[]) {
      const target = { appId: a.appId, apiVersion: a.apiVersion, auth: a.auth, resource };
      entries.push([changeKey(target), await client.get(target)]);
    }
  }
  return new Map(entries);
}

const full = (appId: number, overrides: Partial<AppConfig['resources']> = {}) =>
  app(appId, {
    resources: {
      'calling-settings': present(calling()),
      'recording-settings': present(recording()),
      'channel-connection': present(settings()),
      ...overrides,
    },
  });

describe('applyPlan', () => {
  it('converges: the plan after an apply is empty', async () => {
    const { client } = fakeClient([[changeKey({ appId: 2, resource: 'calling-settings' }), calling({ width: 1 })]]);
    const apps = [full(1), full(2)];
    const plan = buildPlan(apps, await observe(apps, client));
    const outcomes = await applyPlan(plan, client, { parallelism: 2 });
    expect([...outcomes.values()].every((o) => o.error === undefined)).toBe(true);
    expect(isEmptyPlan(buildPlan(apps, await observe(apps, client)))).toBe(true);
  });

  it('writes calling settings first and deletes the channel connection before the calling settings', async () => {
    const seed: [ChangeKey, Fields][] = [
      [changeKey({ appId: 1, resource: 'calling-settings' }), calling()],
      [changeKey({ appId: 1, resource: 'channel-connection' }), settings()],
    ];
    const { client, calls } = fakeClient(seed);
    const deleting = app(1, { resources: { 'calling-settings': absent, 'channel-connection': absent } });
    const plan = buildPlan([deleting], await observe([deleting], client));
    calls.clear();
    await applyPlan(plan, client, { parallelism: 1 });
    expect(calls.list).toEqual(['DELETE 1/channel-connection', 'DELETE 1/calling-settings']);

    const creating = fakeClient();
    const createPlan = buildPlan([full(1)], await observe([full(1)], creating.client));
    creating.calls.clear();
    await applyPlan(createPlan, creating.client, { parallelism: 1 });
    expect(creating.calls.list).toEqual(['POST 1/calling-settings', 'POST 1/recording-settings', 'POST 1/channel-connection']);
  });

  it('stops an app at its first failure and says why for the rest; other apps go on', async () => {
    const { client } = fakeClient(
      [],
      failWhen({ appId: 1, resource: 'calling-settings', method: 'create' }, { error: (call) => hubSpotError(call, 400, 'VALIDATION_ERROR', 'app 1: 400 VALIDATION_ERROR: bad') }),
    );
    const apps = [full(1), full(2)];
    const plan = buildPlan(apps, await observe(apps, client));
    const outcomes = await applyPlan(plan, client, { parallelism: 2 });
    expect(outcomes.get('1/calling-settings')).toEqual({ applied: false, error: { message: '400 VALIDATION_ERROR: bad', rerunnable: false } });
    // Blocked by a 400, they wait for its fix as it does: a rerun alone would not apply them.
    expect(outcomes.get('1/channel-connection')).toEqual({ applied: false, attempted: false, error: { message: 'not attempted: its calling settings failed first', rerunnable: false } });
    expect(outcomes.get('1/recording-settings')).toEqual({ applied: false, attempted: false, error: { message: 'not attempted: its calling settings failed first', rerunnable: false } });
    expect(outcomes.get('2/channel-connection')).toEqual({ applied: true });
  });

  it('a write the client never sent (host given up on, credential refused) is not attempted, not failed', async () => {
    const reason = 'HubSpot refused the developer API key in HUBSPOT_DEVELOPER_API_KEY (401 for app 9)';
    const notSent = (call: Parameters<NonNullable<StoreClientOptions['fail']>>[0]) =>
      new HubSpotError(`app ${call.target.appId}: POST calling settings not attempted: ${reason}`, { appId: call.target.appId, method: 'POST', attempts: 0, notAttempted: reason, rerunnable: false });
    const { client } = fakeClient([], failWhen({ appId: 1, method: 'create' }, { error: notSent }));
    const apps = [full(1)];
    const plan = buildPlan(apps, await observe(apps, client));
    const outcomes = await applyPlan(plan, client, { parallelism: 1 });
    expect(outcomes.get('1/calling-settings')).toEqual({ applied: false, attempted: false, error: { message: `not attempted: ${reason}`, rerunnable: false } });
    // What it blocks says so: it did not fail.
    expect(outcomes.get('1/recording-settings')?.error?.message).toBe('not attempted: its calling settings were not attempted');
  });

  it('starts no write once asked to stop, and says "interrupted: not attempted"', async () => {
    const { client, calls } = fakeClient();
    const apps = [full(1)];
    const plan = buildPlan(apps, await observe(apps, client));
    calls.clear();
    let writes = 0;
    const outcomes = await applyPlan(plan, client, { parallelism: 1, mayStart: () => writes < 1, onStart: () => writes++ });
    expect(calls.list).toEqual(['POST 1/calling-settings']);
    expect(outcomes.get('1/recording-settings')?.error).toEqual({ message: 'interrupted: not attempted', rerunnable: true });
  });

  it('re-reads before writing: another writer\'s identical result is "already as planned", a different one is not applied', async () => {
    const apps = [app(1), app(2)];
    const { client, store } = fakeClient();
    const plan = buildPlan(apps, await observe(apps, client));
    store.create(1, 'channel-connection', settings());
    store.create(2, 'channel-connection', settings({ isReady: false }));
    const outcomes = await applyPlan(plan, client, { parallelism: 1, checkCurrent: differsFromPlanned });
    expect(outcomes.get('1/channel-connection')).toEqual({ applied: false, note: 'already as planned' });
    expect(outcomes.get('2/channel-connection')).toEqual({
      applied: false,
      error: { message: 'not applied: it was created since the plan was made', rerunnable: true },
    });
    expect(store.get(2, 'channel-connection')?.fields).toEqual(settings({ isReady: false }));
  });

  it('a bug is not a failed change', async () => {
    const { client } = fakeClient([], () => new TypeError('boom'));
    const plan = buildPlan([app(1)], new Map([['1/channel-connection', null]]));
    await expect(applyPlan(plan, client, { parallelism: 1 })).rejects.toThrow(TypeError);
  });

  it('no-op changes get an outcome without a write', async () => {
    const { client, calls } = fakeClient([['1/channel-connection', settings()]]);
    const plan = buildPlan([app(1)], await observe([app(1)], client));
    calls.clear();
    expect((await applyPlan(plan, client, { parallelism: 1 })).get('1/channel-connection')).toEqual({ applied: false });
    expect(calls.list).toEqual([]);
  });
});

describe('patchOf and writeOrder', () => {
  it('patches only the changed fields with their planned values', () => {
    const plan = buildPlan([full(1, { 'calling-settings': present(calling({ width: 10, isReady: false })) })], new Map([
      ['1/calling-settings', remote(calling())],
      ['1/recording-settings', remote(recording())],
      ['1/channel-connection', remote(settings())],
    ]));
    const change = plan.changes.find((c) => c.resource === 'calling-settings');
    expect(change && patchOf(change)).toEqual({ width: 10, isReady: false });
  });

  it('orders creates and updates by resource, deletes in reverse', () => {
    const plan = buildPlan([app(1, { resources: { 'calling-settings': absent, 'recording-settings': present(recording()), 'channel-connection': absent } })], new Map([
      ['1/calling-settings', remote(calling())],
      ['1/recording-settings', null],
      ['1/channel-connection', remote(settings())],
    ]));
    expect(writeOrder(plan.changes).map((c) => `${c.action} ${c.resource}`)).toEqual([
      'create recording-settings',
      'delete channel-connection',
      'delete calling-settings',
    ]);
  });
});
