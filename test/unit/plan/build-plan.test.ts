import { describe, expect, it } from 'vitest';
import { buildPlan, diffApp, isEmptyPlan } from '../../../src/plan/build-plan.js';
import { app, remote, settings } from '../../helpers/builders.js';

describe('diffApp', () => {
  it('creates settings that are absent', () => {
    const change = diffApp(app(1), null);
    expect(change.action).toBe('create');
    expect(change.before).toBeNull();
    expect(change.after).toEqual(settings());
    expect(change.impacts.map((i) => i.kind)).toEqual(['becomes-selectable']);
  });

  it('creating a not-ready app has no user-visible impact', () => {
    expect(diffApp(app(1, { settings: settings({ isReady: false }) }), null).impacts).toEqual([]);
  });

  it('updates only the fields that differ', () => {
    const change = diffApp(app(1, { settings: settings({ isReady: false }) }), remote());
    expect(change.action).toBe('update');
    expect(change.changedFields).toEqual(['isReady']);
    expect(change.before).toEqual({ url: 'https://calls.example.com/hubspot', isReady: true });
    expect(change.after).toEqual({ url: 'https://calls.example.com/hubspot', isReady: false });
    expect(change.impacts.map((i) => i.kind)).toEqual(['greyed-out']);
  });

  it('flags a ready flip and a moved webhook', () => {
    const change = diffApp(app(1, { settings: settings({ url: 'https://new.example.com/x' }) }), remote({ isReady: false }));
    expect(change.changedFields).toEqual(['url', 'isReady']);
    expect(change.impacts.map((i) => i.kind)).toEqual(['becomes-selectable', 'webhook-moved']);
  });

  it('ignores timestamps and server-added fields', () => {
    const observed = { ...remote({ updatedAt: '2099-01-01T00:00:00Z' }), portalCount: 7 } as ReturnType<typeof remote>;
    const change = diffApp(app(1), observed);
    expect(change.action).toBe('no-op');
    expect(change.before).toEqual(change.after);
    expect(change.before).not.toHaveProperty('updatedAt');
  });

  it('a timestamp-only difference is no-op for any timestamps', () => {
    for (const updatedAt of ['2023-11-07T05:31:56Z', '2024-04-30 12:01', undefined]) {
      expect(diffApp(app(1), remote({ updatedAt })).action).toBe('no-op');
    }
  });

  it('changing only apiVersion plans as no change', () => {
    expect(diffApp(app(1, { apiVersion: '2026-03' }), remote()).action).toBe('no-op');
  });

  it('deletes settings declared absent, and is no-op when already gone', () => {
    const absent = app(1, { ensure: 'absent', settings: null });
    const change = diffApp(absent, remote());
    expect(change.action).toBe('delete');
    expect(change.after).toBeNull();
    expect(change.impacts.map((i) => i.kind)).toEqual(['connection-removed']);
    expect(diffApp(absent, null)).toMatchObject({ action: 'no-op', before: null, after: null });
  });

  it('does not mutate its inputs', () => {
    const declared = app(1, { settings: settings({ isReady: false }) });
    const observed = remote();
    const snapshot = JSON.stringify([declared, observed]);
    diffApp(declared, observed);
    expect(JSON.stringify([declared, observed])).toBe(snapshot);
  });
});

describe('buildPlan', () => {
  it('sorts by appId and summarises every action', () => {
    const apps = [app(30, { ensure: 'absent', settings: null }), app(10), app(20, { settings: settings({ isReady: false }) }), app(40)];
    const observed = new Map([
      [10, null],
      [20, remote()],
      [30, remote()],
      [40, remote()],
    ]);
    const plan = buildPlan(apps, observed);
    expect(plan.changes.map((c) => [c.appId, c.action])).toEqual([
      [10, 'create'],
      [20, 'update'],
      [30, 'delete'],
      [40, 'no-op'],
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1 });
    expect(isEmptyPlan(plan)).toBe(false);
  });

  it('law: the plan against the state an apply leaves behind is empty', () => {
    const apps = [app(1), app(2, { settings: settings({ isReady: false }) }), app(3, { ensure: 'absent', settings: null })];
    const before = new Map([
      [1, null],
      [2, remote({ url: 'https://old.example.com' })],
      [3, remote()],
    ]);
    const plan = buildPlan(apps, before);
    const after = new Map(plan.changes.map((c) => [c.appId, c.after === null ? null : remote({ ...c.after, updatedAt: 'later' })]));
    expect(isEmptyPlan(buildPlan(apps, after))).toBe(true);
  });
});
