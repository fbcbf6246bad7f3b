// Rules of planning (src/plan/build-plan.ts): one change per declared
// resource, only managed fields diff, one order for every output.
import { describe, expect, it } from 'vitest';
import type { RemoteResource } from '../../../src/hubspot/types.js';
import { buildPlan, changedFieldsOf, compareChanges, diffResource, isEmptyPlan, managedOf, managedResourcesOf, resourceOf, summarize } from '../../../src/plan/build-plan.js';
import { changeKey, type Change, type ChangeKey } from '../../../src/plan/model.js';
import { resourceNamed, type ResourceName } from '../../../src/resources/index.js';
import { absent, app, calling, present, recording, remote, settings } from '../../helpers/builders.js';

const key = (appId: number, resource: ResourceName = 'channel-connection'): ChangeKey => changeKey({ appId, resource });
const CONNECTION = resourceNamed('channel-connection');
const CALLING = resourceNamed('calling-settings');

describe('managed fields', () => {
  it('only the descriptor’s fields, in its order; absent ones are not invented', () => {
    expect(Object.keys(managedOf(CALLING, { usesRemote: true, extra: 'x', name: 'n' } as never))).toEqual(['name', 'usesRemote']);
    expect(managedOf(CONNECTION, { createdAt: 't' } as never)).toEqual({});
  });

  it('changed fields are the differing ones in descriptor order, a field missing on one side included', () => {
    expect(changedFieldsOf(CALLING, calling(), calling({ usesRemote: false, name: 'B' }))).toEqual(['name', 'usesRemote']);
    expect(changedFieldsOf(CONNECTION, { url: 'u' }, { url: 'u', isReady: true })).toEqual(['isReady']);
    expect(changedFieldsOf(CONNECTION, settings(), settings())).toEqual([]);
  });

  it('an app manages exactly the resources it declares, in write order', () => {
    const declared = app(1, { resources: { 'channel-connection': absent, 'calling-settings': present(calling()) } });
    expect(managedResourcesOf(declared).map(({ resource, desired }) => [resource.name, desired.ensure])).toEqual([
      ['calling-settings', 'present'],
      ['channel-connection', 'absent'],
    ]);
    expect(managedResourcesOf(app(1, { resources: {} }))).toEqual([]);
  });
});

describe('the change for one resource', () => {
  const diff = (desired: Parameters<typeof diffResource>[2], observed: RemoteResource | null, tense?: 'plan' | 'drift') => diffResource(app(7), CONNECTION, desired, observed, tense);

  it('absent and declared present: create with every field, nothing before', () => {
    const change = diff(present(settings()), null);
    expect(change).toMatchObject({ appId: 7, resource: 'channel-connection', action: 'create', before: null, after: settings(), changedFields: ['url', 'isReady'] });
  });

  it('present and declared absent: delete every field, nothing after', () => {
    const change = diff(absent, remote(settings()));
    expect(change).toMatchObject({ action: 'delete', before: settings(), after: null, changedFields: ['url', 'isReady'] });
    expect(change.impacts.map((i) => i.kind)).toEqual(['connection-removed']);
  });

  it('absent and declared absent: nothing to do, no fields, no impacts', () => {
    expect(diff(absent, null)).toMatchObject({ action: 'no-op', before: null, after: null, changedFields: [], impacts: [] });
  });

  it('present and different: update of only the differing fields', () => {
    const change = diff(present(settings({ isReady: false })), remote(settings()));
    expect(change).toMatchObject({ action: 'update', before: settings(), after: settings({ isReady: false }), changedFields: ['isReady'] });
    expect(change.impacts.map((i) => i.kind)).toEqual(['greyed-out']);
  });

  it('present and equal: no-op whose after is the state as it is, with no impacts', () => {
    const change = diff(present(settings()), remote({ ...settings(), extra: 1 } as never, { updatedAt: 'x' }));
    expect(change).toMatchObject({ action: 'no-op', before: settings(), after: settings(), changedFields: [], impacts: [] });
    expect(change.after).not.toBe(change.before);
  });

  it('carries the app’s API version and auth', () => {
    const change = diffResource(app(8, { apiVersion: '2026-09' }), CONNECTION, present(settings()), null);
    expect(change.apiVersion).toBe('2026-09');
    expect(change.auth).toBe(app(8, { apiVersion: '2026-09' }).auth);
  });

  it('drift words its impacts as what is true now; plan as what applying will do', () => {
    expect(diff(present(settings()), null, 'drift').impacts.map((i) => i.kind)).toEqual(['connection-missing']);
    expect(diff(present(settings()), null, 'plan').impacts.map((i) => i.kind)).toEqual(['becomes-selectable']);
    expect(diff(present(settings()), null).impacts.map((i) => i.kind)).toEqual(['becomes-selectable']);
    expect(diff(absent, remote(), 'drift').impacts.map((i) => i.kind)).toEqual(['connection-unexpected']);
  });
});

describe('the plan', () => {
  const observed = new Map<ChangeKey, RemoteResource | null>([
    [key(2), null],
    [key(2, 'calling-settings'), remote(calling())],
    [key(1), remote(settings())],
    [key(1, 'recording-settings'), remote(recording())],
  ]);
  const apps = [
    app(2, { resources: { 'channel-connection': present(settings()), 'calling-settings': absent } }),
    app(1, { resources: { 'channel-connection': present(settings({ isReady: false })), 'recording-settings': present(recording()) } }),
  ];

  it('one change per app and declared resource, by appId then write order', () => {
    const plan = buildPlan(apps, observed);
    expect(plan.changes.map((c) => `${c.appId} ${c.resource} ${c.action}`)).toEqual([
      '1 recording-settings no-op',
      '1 channel-connection update',
      '2 calling-settings delete',
      '2 channel-connection create',
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1 });
    expect(plan).not.toHaveProperty('targets');
  });

  it('records the targets of a targeted run once each, sorted; none for an empty list', () => {
    expect(buildPlan(apps, observed, { targets: [2, 1, 2] }).targets).toEqual([1, 2]);
    expect(buildPlan(apps, observed, { targets: [] })).not.toHaveProperty('targets');
  });

  it('uses the tense it is given for every change', () => {
    const plan = buildPlan(apps, observed, { tense: 'drift' });
    expect(plan.changes.find((c) => c.appId === 2 && c.resource === 'channel-connection')?.impacts.map((i) => i.kind)).toEqual(['connection-missing']);
  });

  it('a declared resource without an observation is a bug that names it', () => {
    const partial = new Map(observed);
    partial.delete(key(2, 'calling-settings'));
    expect(() => buildPlan(apps, partial)).toThrow(/buildPlan: no observation for 2\/calling-settings/);
  });

  it('is empty when every change is a no-op (or there are none), not otherwise', () => {
    expect(isEmptyPlan(buildPlan([app(1, { resources: { 'recording-settings': present(recording()) } })], observed))).toBe(true);
    expect(isEmptyPlan({ changes: [], summary: summarize([]) })).toBe(true);
    expect(isEmptyPlan(buildPlan(apps, observed))).toBe(false);
  });

  it('counts each action, no-ops as noop', () => {
    const plan = buildPlan(apps, observed);
    const doubled: Change[] = [...plan.changes, ...plan.changes];
    expect(summarize(doubled)).toEqual({ create: 2, update: 2, delete: 2, noop: 2 });
  });

  it('orders by appId first, then by resource write order', () => {
    const a = { appId: 1, resource: 'channel-connection' as const };
    const b = { appId: 2, resource: 'calling-settings' as const };
    expect(compareChanges(a, b)).toBeLessThan(0);
    expect(compareChanges(b, a)).toBeGreaterThan(0);
    expect(compareChanges({ appId: 1, resource: 'calling-settings' }, a)).toBeLessThan(0);
    expect(compareChanges(a, { ...a })).toBe(0);
  });

  it('each change knows its resource', () => {
    const [first] = buildPlan(apps, observed).changes as [Change];
    expect(resourceOf(first)).toBe(resourceNamed('recording-settings'));
  });
});
