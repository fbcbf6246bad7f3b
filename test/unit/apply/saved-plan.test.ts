import { describe, expect, it } from 'vitest';
import { createSavedPlan, findStaleApps, parseSavedPlan } from '../../../src/apply/saved-plan.js';
import { UserError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { renderJson } from '../../../src/render/json.js';
import { app, remote, settings } from '../../helpers/builders.js';

const observed = new Map([
  [1, null],
  [2, remote({ updatedAt: '2026-11-01T10:00:00Z' })],
]);
const plan = buildPlan([app(1), app(2, { settings: settings({ isReady: false }) })], observed);
const text = renderJson(
  createSavedPlan({ plan, observed, toolVersion: '1.2.3', inputHash: 'a'.repeat(64), configPaths: ['c.yaml'], now: 0 }),
);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('saved plans', () => {
  it('round-trips the plan and what was observed, absent included', () => {
    const saved = parseSavedPlan(text, 'plan.json', '1.2.3');
    expect(saved.plan).toEqual(plan);
    expect(saved.observed.get(1)).toEqual({ present: false });
    expect(saved.observed.get(2)).toMatchObject({ present: true, isReady: true, updatedAt: '2026-11-01T10:00:00Z' });
  });

  it('refuses truncated, foreign, edited and other-version files', () => {
    expect(refusal(() => parseSavedPlan(text.slice(0, 100), 'p.json', '1.2.3'))).toMatch(/not a complete JSON document/);
    expect(refusal(() => parseSavedPlan('{"hello": 1}', 'p.json', '1.2.3'))).toMatch(/not an hscc saved plan/);
    expect(refusal(() => parseSavedPlan(text.replace('"isReady": false', '"isReady": true'), 'p.json', '1.2.3'))).toMatch(/edited/);
    expect(refusal(() => parseSavedPlan(text, 'p.json', '9.9.9'))).toMatch(/made by hscc 1.2.3/);
  });

  it('accepts a reformatted but unedited file', () => {
    const reformatted = JSON.stringify(JSON.parse(text));
    expect(parseSavedPlan(reformatted, 'p.json', '1.2.3').plan).toEqual(plan);
  });

  it('finds apps whose presence, fields or updatedAt changed', () => {
    const saved = parseSavedPlan(text, 'plan.json', '1.2.3');
    expect(findStaleApps(saved.observed, observed)).toEqual([]);
    const stale = findStaleApps(
      saved.observed,
      new Map([
        [1, remote()],
        [2, remote({ updatedAt: '2026-11-02T00:00:00Z' })],
      ]),
    );
    expect(stale.map((s) => s.appId)).toEqual([1, 2]);
    expect(stale[0]?.reason).toMatch(/planned against absent/);
  });
});
