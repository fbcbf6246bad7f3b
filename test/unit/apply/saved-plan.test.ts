import { describe, expect, it } from 'vitest';
import { forgeSavedPlan } from '../../helpers/forge-plan.js';
import { createSavedPlan, findStaleResources, isAlreadyApplied, parseSavedPlan, type SavedPlanJson } from '../../../src/apply/saved-plan.js';
import { UserError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { changeKey, type ChangeKey } from '../../../src/plan/model.js';
import { renderJson } from '../../../src/render/json.js';
import type { RemoteResource } from '../../../src/hubspot/types.js';
import { app, calling, present, remote, settings } from '../../helpers/builders.js';

const key = (appId: number, resource: Parameters<typeof changeKey>[0]['resource'] = 'channel-connection'): ChangeKey => changeKey({ appId, resource });
const observed = new Map<ChangeKey, RemoteResource | null>([
  [key(1), null],
  [key(2), remote(settings(), { updatedAt: '2026-11-01T10:00:00Z' })],
  [key(2, 'calling-settings'), remote(calling())],
]);
const apps = [
  app(1),
  app(2, { resources: { 'channel-connection': present(settings({ isReady: false })), 'calling-settings': present(calling({ width: 500 })) } }),
];
const plan = buildPlan(apps, observed);
const document = createSavedPlan({ plan, observed, toolVersion: '1.2.3', inputHash: 'a'.repeat(64), configPaths: ['envs/*.yaml'], files: ['envs/a.yaml'], now: 0 });
const text = renderJson(document);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

const forged = (edit: (doc: SavedPlanJson) => void): string => forgeSavedPlan(text, edit);

describe('saved plans', () => {
  it('round-trips the plan and what was observed per resource, absent included', () => {
    const saved = parseSavedPlan(text, 'plan.json', '1.2.3');
    expect(saved.plan).toEqual(plan);
    expect(saved.configPaths).toEqual(['envs/*.yaml']);
    expect(saved.observed.get(key(1))).toEqual({ present: false });
    expect(saved.observed.get(key(2))).toEqual({ present: true, fields: settings(), updatedAt: '2026-11-01T10:00:00Z' });
    expect(saved.observed.get(key(2, 'calling-settings'))?.fields).toEqual(calling());
  });

  it('refuses truncated, foreign, edited and other-version files', () => {
    expect(refusal(() => parseSavedPlan(text.slice(0, 100), 'p.json', '1.2.3'))).toMatch(/not a complete JSON document/);
    expect(refusal(() => parseSavedPlan('{"hello": 1}', 'p.json', '1.2.3'))).toMatch(/not an hscc saved plan/);
    expect(refusal(() => parseSavedPlan(text.replace('"width": 500', '"width": 501'), 'p.json', '1.2.3'))).toMatch(/edited/);
    expect(refusal(() => parseSavedPlan(text, 'p.json', '9.9.9'))).toMatch(/made by hscc 1.2.3/);
  });

  it('accepts a reformatted but unedited file', () => {
    expect(parseSavedPlan(JSON.stringify(JSON.parse(text)), 'p.json', '1.2.3').plan).toEqual(plan);
  });

  it('re-checks every value it would write with the config rules', () => {
    const insecure = forged((doc) => {
      const change = doc.changes.find((c) => c.appId === 1);
      if (change?.after) change.after = { ...change.after, url: 'http://calls.example.com/hook' };
    });
    expect(refusal(() => parseSavedPlan(insecure, 'p.json', '1.2.3'))).toMatch(/app 1 channel-connection: url: .*http: on a host that is not loopback/);
    const negative = forged((doc) => {
      const change = doc.changes.find((c) => c.resource === 'calling-settings');
      if (change?.after) change.after = { ...change.after, width: -1 };
    });
    expect(refusal(() => parseSavedPlan(negative, 'p.json', '1.2.3'))).toMatch(/width/);
    const unknownField = forged((doc) => {
      const change = doc.changes.find((c) => c.resource === 'calling-settings');
      if (change) change.changedFields = [...change.changedFields, 'secretField'];
    });
    expect(refusal(() => parseSavedPlan(unknownField, 'p.json', '1.2.3'))).toMatch(/"secretField" is not a field/);
  });

  it('is stale when presence, any managed field or updatedAt changed, per resource', () => {
    const saved = parseSavedPlan(text, 'plan.json', '1.2.3');
    expect(findStaleResources(saved.plan, saved.observed, observed)).toEqual([]);
    const now = (entries: [ChangeKey, RemoteResource | null][]) => new Map([...observed, ...entries]);
    const staleOf = (current: Map<ChangeKey, RemoteResource | null>) =>
      findStaleResources(saved.plan, saved.observed, current).map((s) => `${s.appId} ${s.resource}`);
    expect(staleOf(now([[key(1), remote()]]))).toEqual(['1 channel-connection']);
    expect(staleOf(now([[key(2), remote(settings(), { updatedAt: '2026-11-02T00:00:00Z' })]]))).toEqual(['2 channel-connection']);
    // Same updatedAt, other values: a server that does not bump updatedAt must not hide a change.
    expect(staleOf(now([[key(2), remote(settings({ isReady: false }), { updatedAt: '2026-11-01T10:00:00Z' })]]))).toEqual(['2 channel-connection']);
    expect(staleOf(now([[key(2), remote(settings({ url: 'https://moved.example/x' }), { updatedAt: '2026-11-01T10:00:00Z' })]]))).toEqual(['2 channel-connection']);
    expect(staleOf(now([[key(2, 'calling-settings'), remote(calling({ name: 'Other' }))]]))).toEqual(['2 calling-settings']);
    expect(staleOf(now([[key(2, 'calling-settings'), null]]))).toEqual(['2 calling-settings']);
  });

  it('tells an applied plan from a stale one', () => {
    const applied = new Map<ChangeKey, RemoteResource | null>([
      [key(1), remote(settings(), { updatedAt: 'later' })],
      [key(2), remote(settings({ isReady: false }), { updatedAt: 'later' })],
      [key(2, 'calling-settings'), remote(calling({ width: 500 }), { updatedAt: 'later' })],
    ]);
    expect(isAlreadyApplied(plan, applied)).toBe(true);
    expect(isAlreadyApplied(plan, new Map([...applied, [key(2, 'calling-settings'), remote(calling({ width: 501 }))]]))).toBe(false);
    expect(isAlreadyApplied(plan, observed)).toBe(false);
  });
});
