import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { createPalette } from '../../../src/render/palette.js';
import { renderApplyText, renderPlanText } from '../../../src/render/text.js';
import { app, remote, settings } from '../../helpers/builders.js';

const plain = createPalette(false);

function mixedPlan() {
  return buildPlan(
    [app(1), app(2, { settings: settings({ isReady: false }) }), app(3, { ensure: 'absent', settings: null }), app(4)],
    new Map([
      [1, null],
      [2, remote()],
      [3, remote()],
      [4, remote()],
    ]),
  );
}

describe('renderPlanText', () => {
  it('renders Terraform-style blocks and the summary line', () => {
    const text = renderPlanText({ kind: 'plan', plan: mixedPlan(), configPaths: [] }, plain);
    expect(text).toContain('# app 1 will be created');
    expect(text).toContain('+ isReady = true');
    expect(text).toContain('# app 2 will be updated in place');
    expect(text).toContain('~ isReady = true -> false');
    expect(text).toContain('# app 3 will be deleted');
    expect(text).toContain('- url     = "https://calls.example.com/hubspot"');
    expect(text).not.toContain('app 4');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 1 to update, 1 to delete.');
  });

  it('states impacts users will notice', () => {
    const text = renderPlanText({ kind: 'plan', plan: mixedPlan(), configPaths: [] }, plain);
    expect(text).toMatch(/! The app becomes selectable/);
    expect(text).toMatch(/! The app is greyed out/);
    expect(text).toMatch(/! Removes the connection option/);
  });

  it('says so when there is nothing to do', () => {
    const plan = buildPlan([app(4)], new Map([[4, remote()]]));
    expect(renderPlanText({ kind: 'plan', plan, configPaths: [] }, plain)).toBe(
      'No changes. Remote settings match the configuration.\n',
    );
  });

  it('uses no escape codes without colour, and some with it', () => {
    const report = { kind: 'plan' as const, plan: mixedPlan(), configPaths: [] };
    expect(renderPlanText(report, plain)).not.toContain('\u001b[');
    expect(renderPlanText(report, createPalette(true))).toContain('\u001b[');
  });

  it('reports drift with its own wording', () => {
    const text = renderPlanText({ kind: 'drift', plan: mixedPlan(), configPaths: [] }, plain);
    expect(text).toContain('Drift detected: 3 apps with settings drift.');
  });
});

describe('renderApplyText', () => {
  it('lists per-app results and a failure summary', () => {
    const outcomes = new Map([
      [1, { applied: true }],
      [2, { applied: false, error: { message: 'app 2: PATCH failed: 500', correlationId: 'abc-123' } }],
      [3, { applied: true }],
    ]);
    const text = renderApplyText({ kind: 'apply', plan: mixedPlan(), configPaths: [], outcomes }, plain);
    expect(text).toContain('✓ app 1: created');
    expect(text).toContain('✗ app 2: update failed: app 2: PATCH failed: 500 (correlationId abc-123)');
    expect(text).toContain('✓ app 3: deleted');
    expect(text).toContain('Apply failed for 1 app; 1 created, 0 updated, 1 deleted.');
  });

  it('closes with Apply complete when everything succeeded', () => {
    const plan = mixedPlan();
    const outcomes = new Map(plan.changes.map((c) => [c.appId, { applied: c.action !== 'no-op' }]));
    expect(renderApplyText({ kind: 'apply', plan, configPaths: [], outcomes }, plain)).toContain(
      'Apply complete! Apps: 1 created, 1 updated, 1 deleted.',
    );
  });
});
