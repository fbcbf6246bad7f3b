import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { renderJson, toPlanJson } from '../../../src/render/json.js';
import { app, remote, settings } from '../../helpers/builders.js';

const plan = buildPlan(
  [app(2, { settings: settings({ isReady: false }) }), app(1), app(3)],
  new Map([
    [1, null],
    [2, remote()],
    [3, remote()],
  ]),
);

describe('toPlanJson', () => {
  it('has the DESIGN.md shape', () => {
    const json = toPlanJson({ kind: 'plan', plan, configPaths: ['a.yaml'] });
    expect(json.formatVersion).toBe(1);
    expect(json.summary).toEqual({ create: 1, update: 1, delete: 0, noop: 1 });
    expect(json.changes.map((c) => c.appId)).toEqual([1, 2, 3]);
    expect(json.changes[0]).toMatchObject({ appId: 1, action: 'create', before: null, after: { url: expect.any(String), isReady: true } });
    // no-op changes carry before and after, equal.
    expect(json.changes[2]?.before).toEqual(json.changes[2]?.after);
    expect(json.changes[0]).not.toHaveProperty('applied');
  });

  it('adds applied (and error) per change for apply', () => {
    const outcomes = new Map([
      [1, { applied: true }],
      [2, { applied: false, error: { message: 'boom', correlationId: 'c-1' } }],
    ]);
    const json = toPlanJson({ kind: 'apply', plan, configPaths: [], outcomes });
    expect(json.changes.map((c) => c.applied)).toEqual([true, false, false]);
    expect(json.changes[1]?.error).toEqual({ message: 'boom', correlationId: 'c-1' });
  });

  it('round-trips through JSON text unchanged', () => {
    const json = toPlanJson({ kind: 'plan', plan, configPaths: [] });
    expect(JSON.parse(renderJson(json))).toEqual(json);
    expect(renderJson(json).endsWith('}\n')).toBe(true);
  });
});
