import { describe, expect, it } from 'vitest';
import { applyPlan, differsFromPlanned, patchOf, writeOrder } from '../../../src/apply/apply-plan.js';
import { UserError } from '../../../src/errors.js';
import type { RemoteResource, ResourceTarget, SettingsClient } from '../../../src/hubspot/types.js';
import { buildPlan, isEmptyPlan } from '../../../src/plan/build-plan.js';
import { changeKey, type ChangeKey } from '../../../src/plan/model.js';
import type { AppConfig } from '../../../src/config/model.js';
import type { Fields } from '../../../src/resources/index.js';
import { absent, app, calling, present, recording, remote, settings } from '../../helpers/builders.js';

/** A SettingsClient over a Map, recording every call; `fail` makes chosen calls throw as HubSpot refusals. */
function fakeClient(seed: [ChangeKey, Fields][] = [], fail: (method: string, target: ResourceTarget) => UserError | undefined = () => undefined) {
  const state = new Map<ChangeKey, Fields>(seed);
  const calls: string[] = [];
  const call = (method: string, target: ResourceTarget) => {
    calls.push(`${method} ${changeKey(target)}`);
    const error = fail(method, target);
    if (error !== undefined) throw error;
  };
  const read = (key: ChangeKey): RemoteResource | null => {
    const fields = state.get(key);
    return fields === undefined ? null : remote(fields);
  };
  const client: SettingsClient = {
    async get(target) {
      call('GET', target);
      return read(changeKey(target));
    },
    async create(target, fields) {
      call('POST', target);
      const key = changeKey(target);
      const existing = state.get(key);
      const wrote = existing === undefined || Object.entries(fields).some(([k, v]) => existing[k] !== v);
      state.set(key, { ...existing, ...fields });
      return { remote: read(key), wrote };
    },
    async update(target, patch) {
      call('PATCH', target);
      const key = changeKey(target);
      state.set(key, { ...state.get(key), ...patch });
      return { remote: read(key), wrote: true };
    },
    async delete(target) {
      call('DELETE', target);
      return { remote: null, wrote: state.delete(changeKey(target)) };
    },
  };
  return { client, state, calls };
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
    calls.length = 0;
    await applyPlan(plan, client, { parallelism: 1 });
    expect(calls).toEqual(['DELETE 1/channel-connection', 'DELETE 1/calling-settings']);

    const creating = fakeClient();
    const createPlan = buildPlan([full(1)], await observe([full(1)], creating.client));
    creating.calls.length = 0;
    await applyPlan(createPlan, creating.client, { parallelism: 1 });
    expect(creating.calls).toEqual(['POST 1/calling-settings', 'POST 1/recording-settings', 'POST 1/channel-connection']);
  });

  it('stops an app at its first failure and says why for the rest; other apps go on', async () => {
    const refusal = new UserError('400 VALIDATION_ERROR: bad');
    const { client } = fakeClient([], (method, target) => (method === 'POST' && target.appId === 1 && target.resource === 'calling-settings' ? refusal : undefined));
    const apps = [full(1), full(2)];
    const plan = buildPlan(apps, await observe(apps, client));
    const outcomes = await applyPlan(plan, client, { parallelism: 2 });
    expect(outcomes.get('1/calling-settings')).toEqual({ applied: false, error: { message: '400 VALIDATION_ERROR: bad', rerunnable: false } });
    expect(outcomes.get('1/recording-settings')?.error?.message).toMatch(/not attempted: its calling settings failed first/);
    expect(outcomes.get('2/channel-connection')).toEqual({ applied: true });
  });

  it('starts no write once asked to stop, and says "interrupted: not attempted"', async () => {
    const { client, calls } = fakeClient();
    const apps = [full(1)];
    const plan = buildPlan(apps, await observe(apps, client));
    calls.length = 0;
    let writes = 0;
    const outcomes = await applyPlan(plan, client, { parallelism: 1, mayStart: () => writes < 1, onStart: () => writes++ });
    expect(calls).toEqual(['POST 1/calling-settings']);
    expect(outcomes.get('1/recording-settings')?.error).toEqual({ message: 'interrupted: not attempted', rerunnable: true });
  });

  it('re-reads before writing: another writer\'s identical result is "already as planned", a different one is not applied', async () => {
    const apps = [app(1), app(2)];
    const { client, state } = fakeClient();
    const plan = buildPlan(apps, await observe(apps, client));
    state.set('1/channel-connection', settings());
    state.set('2/channel-connection', settings({ isReady: false }));
    const outcomes = await applyPlan(plan, client, { parallelism: 1, checkCurrent: differsFromPlanned });
    expect(outcomes.get('1/channel-connection')).toEqual({ applied: false, note: 'already as planned' });
    expect(outcomes.get('2/channel-connection')).toEqual({
      applied: false,
      error: { message: 'not applied: it was created since the plan was made', rerunnable: true },
    });
    expect(state.get('2/channel-connection')).toEqual(settings({ isReady: false }));
  });

  it('a bug is not a failed change', async () => {
    const { client } = fakeClient([], () => {
      throw new TypeError('boom');
    });
    const plan = buildPlan([app(1)], new Map([['1/channel-connection', null]]));
    await expect(applyPlan(plan, client, { parallelism: 1 })).rejects.toThrow(TypeError);
  });

  it('no-op changes get an outcome without a write', async () => {
    const { client, calls } = fakeClient([['1/channel-connection', settings()]]);
    const plan = buildPlan([app(1)], await observe([app(1)], client));
    calls.length = 0;
    expect((await applyPlan(plan, client, { parallelism: 1 })).get('1/channel-connection')).toEqual({ applied: false });
    expect(calls).toEqual([]);
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
