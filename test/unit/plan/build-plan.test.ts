import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan, diffResource, isEmptyPlan } from '../../../src/plan/build-plan.js';
import { changeKey } from '../../../src/plan/model.js';
import { resourceNamed } from '../../../src/resources/index.js';
import { absent, app, calling, present, recording, remote, settings } from '../../helpers/builders.js';

const channel = resourceNamed('channel-connection');
const callingSettings = resourceNamed('calling-settings');

describe('diffResource', () => {
  it('creates what is absent, with every field', () => {
    const change = diffResource(app(1), channel, present(settings()), null);
    expect(change).toMatchObject({ appId: 1, resource: 'channel-connection', action: 'create', before: null, after: settings() });
    expect(change.changedFields).toEqual(['url', 'isReady']);
    expect(change.impacts.map((i) => i.kind)).toEqual(['becomes-selectable']);
  });

  it('updates only the fields that differ, in descriptor order', () => {
    const change = diffResource(app(1), callingSettings, present(calling({ height: 700, name: 'New' })), remote(calling()));
    expect(change.action).toBe('update');
    expect(change.changedFields).toEqual(['name', 'height']);
  });

  it('names what users notice on calling settings', () => {
    const off = diffResource(app(1), callingSettings, present(calling({ isReady: false, supportsInboundCalling: false, url: 'https://x.example/d' })), remote(calling()));
    expect(off.impacts.map((i) => [i.kind, i.warning])).toEqual([
      ['calling-unavailable', true],
      ['inbound-calling-off', true],
      ['dialer-moved', true],
    ]);
    const gone = diffResource(app(1), callingSettings, absent, remote(calling()));
    expect(gone.action).toBe('delete');
    expect(gone.impacts[0]?.message).toMatch(/all connected accounts; cannot be undone/);
  });

  it('ignores timestamps and server-added fields', () => {
    const observed = remote({ ...settings(), portalCount: 7 }, { updatedAt: '2099-01-01T00:00:00Z' });
    const change = diffResource(app(1), channel, present(settings()), observed);
    expect(change.action).toBe('no-op');
    expect(change.before).toEqual(change.after);
    expect(change.before).not.toHaveProperty('portalCount');
  });

  it('an absent resource that is absent is a no-op', () => {
    expect(diffResource(app(1), channel, absent, null)).toMatchObject({ action: 'no-op', before: null, after: null, changedFields: [] });
  });

  it('drift words impacts as the present', () => {
    const change = diffResource(app(1), channel, present(settings({ isReady: true })), remote(settings({ isReady: false })), 'drift');
    expect(change.impacts.map((i) => i.kind)).toEqual(['greyed-out']);
    expect(change.impacts[0]?.message).toMatch(/now/);
  });

  it('changing only apiVersion or auth plans as no change', () => {
    const change = diffResource(app(1, { apiVersion: '2026-03', auth: 'developer-api-key' }), channel, present(settings()), remote());
    expect(change.action).toBe('no-op');
  });
});

describe('buildPlan', () => {
  const apps = [
    app(2, { resources: { 'channel-connection': present(settings()), 'calling-settings': present(calling()), 'recording-settings': present(recording()) } }),
    app(1, { resources: { 'calling-settings': present(calling()) } }),
  ];
  const observed = new Map([
    [changeKey({ appId: 1, resource: 'calling-settings' }), null],
    [changeKey({ appId: 2, resource: 'calling-settings' }), remote(calling())],
    [changeKey({ appId: 2, resource: 'recording-settings' }), null],
    [changeKey({ appId: 2, resource: 'channel-connection' }), remote(settings({ isReady: false }))],
  ] as const);

  it('has one change per app and managed resource, sorted by appId then write order', () => {
    const plan = buildPlan(apps, new Map(observed));
    expect(plan.changes.map((c) => `${c.appId} ${c.resource} ${c.action}`)).toEqual([
      '1 calling-settings create',
      '2 calling-settings no-op',
      '2 recording-settings create',
      '2 channel-connection update',
    ]);
    expect(plan.summary).toEqual({ create: 2, update: 1, delete: 0, noop: 1 });
    expect(isEmptyPlan(plan)).toBe(false);
  });

  it('never reads what is not declared: an undeclared resource has no change', () => {
    const plan = buildPlan([apps[1] as (typeof apps)[number]], new Map(observed));
    expect(plan.changes.map((c) => c.resource)).toEqual(['calling-settings']);
  });

  it('records the targets of a targeted run', () => {
    expect(buildPlan(apps, new Map(observed), { targets: [2, 1, 2] }).targets).toEqual([1, 2]);
    expect(buildPlan(apps, new Map(observed)).targets).toBeUndefined();
  });

  it('a missing observation is a bug, not an empty plan', () => {
    expect(() => buildPlan(apps, new Map())).toThrow(/no observation/);
  });
});

describe('laws', () => {
  const timestamp = fc.oneof(fc.constant(undefined), fc.constant('2023-11-07T05:31:56Z'), fc.constant('2024-04-30 12:01'));
  it('a remote that equals the declaration, whatever its timestamps and extras, is a no-op', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['https'] }), fc.boolean(), timestamp, fc.dictionary(fc.string({ minLength: 1 }).filter((k) => k !== 'url' && k !== 'isReady'), fc.string()), (url, isReady, updatedAt, extras) => {
        const declared = settings({ url, isReady });
        const observed = remote({ ...extras, ...declared }, updatedAt === undefined ? {} : { updatedAt });
        expect(diffResource(app(1), channel, present(declared), observed).action).toBe('no-op');
      }),
    );
  });
});

