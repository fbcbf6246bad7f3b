import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { ChangeKey, ChangeOutcome, WebhookFinding } from '../../../src/plan/model.js';
import { renderJson, toPlanJson } from '../../../src/render/json.js';
import { app, calling, present, remote, settings } from '../../helpers/builders.js';

const plan = buildPlan(
  [
    app(2, { resources: { 'channel-connection': present(settings({ isReady: false })), 'calling-settings': present(calling()) } }),
    app(1),
    app(3),
  ],
  new Map<ChangeKey, ReturnType<typeof remote> | null>([
    ['1/channel-connection', null],
    ['2/calling-settings', remote(calling())],
    ['2/channel-connection', remote()],
    ['3/channel-connection', remote()],
  ]),
);

const finding = (status: WebhookFinding['status'], portalId?: number): WebhookFinding => ({
  status,
  url: 'https://calls.example.com/hubspot',
  ...(portalId === undefined ? {} : { portalId }),
  missing: [],
  unexpected: [],
  changedFriendlyName: [],
});

describe('toPlanJson', () => {
  it('has the DESIGN.md shape: one change per app and resource, in order', () => {
    const json = toPlanJson({ kind: 'plan', plan, configPaths: ['a.yaml'] });
    expect(json.formatVersion).toBe(1);
    expect(json.summary).toEqual({ create: 1, update: 1, delete: 0, noop: 2 });
    expect(json.changes.map((c) => `${c.appId} ${c.resource}`)).toEqual(['1 channel-connection', '2 calling-settings', '2 channel-connection', '3 channel-connection']);
    expect(json.changes[0]).toMatchObject({ appId: 1, action: 'create', before: null, after: { url: expect.any(String), isReady: true }, auth: 'developer-api-key' });
    expect(json.changes[2]?.impacts).toEqual([{ kind: 'greyed-out', message: expect.any(String), warning: true }]);
    // no-op changes carry before and after, equal.
    expect(json.changes[1]?.before).toEqual(json.changes[1]?.after);
    expect(json.changes[0]).not.toHaveProperty('applied');
    expect(json).not.toHaveProperty('targets');
  });

  it('adds applied, note and error per change for apply, and marks an interrupted run', () => {
    const outcomes = new Map<ChangeKey, ChangeOutcome>([
      ['1/channel-connection', { applied: true }],
      ['2/channel-connection', { applied: false, error: { message: 'boom', correlationId: 'c-1', hint: 'do this', rerunnable: false } }],
      ['3/channel-connection', { applied: false, note: 'already as planned' }],
    ]);
    const json = toPlanJson({ kind: 'apply', plan, configPaths: [], outcomes, interrupted: true });
    expect(json.changes.map((c) => c.applied)).toEqual([true, false, false, false]);
    expect(json.changes[2]?.error).toEqual({ message: 'boom', correlationId: 'c-1', hint: 'do this', rerunnable: false });
    expect(json.changes[3]?.note).toBe('already as planned');
    expect(json.interrupted).toBe(true);
  });

  it('drift counts drifted apps and puts webhook findings on the channel connection', () => {
    const webhooks = new Map([
      [3, [finding('match'), finding('mismatch', 42)]],
      [1, [finding('match')]],
    ]);
    const json = toPlanJson({ kind: 'drift', plan, configPaths: [], webhooks });
    // App 1 is absent, app 2 differs, app 3's portal 42 answers other numbers.
    expect(json.summary.drifted).toBe(3);
    const app3 = json.changes.find((c) => c.appId === 3);
    expect(app3?.webhook?.status).toBe('mismatch');
    expect(app3?.webhook?.levels.map((l) => l.portalId)).toEqual([undefined, 42]);
    expect(json.changes.find((c) => c.resource === 'calling-settings')).not.toHaveProperty('webhook');
  });

  it('has a top-level error exactly when the run fails: a failed or interrupted apply, a webhook drift could not check', () => {
    const applied = new Map<ChangeKey, ChangeOutcome>([
      ['1/channel-connection', { applied: true }],
      ['2/channel-connection', { applied: true }],
    ]);
    expect(toPlanJson({ kind: 'apply', plan, configPaths: [], outcomes: applied })).not.toHaveProperty('error');
    expect(toPlanJson({ kind: 'apply', plan, configPaths: [], outcomes: applied, interrupted: true }).error).toEqual({
      message: 'Apply interrupted: no new write was started after the signal.',
    });
    const failed = new Map<ChangeKey, ChangeOutcome>([
      ['1/channel-connection', { applied: false, error: { message: 'boom', rerunnable: false } }],
      ['2/channel-connection', { applied: false, attempted: false, error: { message: 'interrupted: not attempted', rerunnable: true } }],
    ]);
    expect(toPlanJson({ kind: 'apply', plan, configPaths: [], outcomes: failed }).error).toEqual({
      message: 'Apply failed for 2 of 2 changes (1 failed, 1 not attempted).',
    });

    expect(toPlanJson({ kind: 'drift', plan, configPaths: [], webhooks: new Map([[3, [finding('mismatch')]]]) })).not.toHaveProperty('error');
    const unchecked = new Map([
      [3, [finding('match'), finding('error', 42)]],
      [1, [finding('error')]],
    ]);
    expect(toPlanJson({ kind: 'drift', plan, configPaths: [], webhooks: unchecked }).error).toEqual({ message: 'The webhook of apps 1, 3 could not be checked.' });
    expect(toPlanJson({ kind: 'plan', plan, configPaths: [] })).not.toHaveProperty('error');
  });

  it('says when the plan is partial', () => {
    const targeted = buildPlan([app(1)], new Map([['1/channel-connection', null]]), { targets: [1] });
    expect(toPlanJson({ kind: 'plan', plan: targeted, configPaths: [] }).targets).toEqual([1]);
  });

  it('round-trips through JSON text unchanged', () => {
    const json = toPlanJson({ kind: 'plan', plan, configPaths: [] });
    expect(JSON.parse(renderJson(json))).toEqual(json);
    expect(renderJson(json).endsWith('}\n')).toBe(true);
  });
});

describe('renderJson', () => {
  it('escapes what JSON.stringify leaves raw (bidi controls, C1, separators): the same JSON, safe to print', () => {
    const value = { name: 'Desk\u202eevil\u009b\u2028x', plain: 'é😀' };
    const text = renderJson(value);
    expect(text).toBe('{\n  "name": "Desk\\u202eevil\\u009b\\u2028x",\n  "plain": "é😀"\n}\n');
    expect(JSON.parse(text)).toEqual(value);
  });
});
