// Plan and report values for view tests, built the way the plan builder
// builds them: fields in descriptor order, impacts from the descriptors.
import type { ApiVersion } from '../../../src/config/model.js';
import type { Action, Change, ChangeOutcome, Plan, PlanReport, ReportKind, WebhookFinding } from '../../../src/plan/model.js';
import { changeKey } from '../../../src/plan/model.js';
import { resourceNamed, type Fields, type ResourceName } from '../../../src/resources/index.js';
import { calling, recording } from '../../helpers/builders.js';

export const WEBHOOK = 'https://calling.example.com/hubspot/numbers';

// The same calling and recording fields every other test uses.
export { calling, recording };

export function connection(overrides: { url?: string; isReady?: boolean } = {}): Fields {
  return { url: WEBHOOK, isReady: true, ...overrides };
}

/**
 * One change of `resource` for `appId`: HubSpot has `before`, the config
 * declares `after` (null: absent). `drift` picks the drift impacts.
 */
export function change(
  appId: number,
  resource: ResourceName,
  before: Fields | null,
  after: Fields | null,
  options: { apiVersion?: ApiVersion; drift?: boolean } = {},
): Change {
  const descriptor = resourceNamed(resource);
  const names = descriptor.fields.map((field) => field.name);
  let action: Action;
  let changedFields: string[];
  if (before === null && after === null) throw new Error('a change needs a side');
  if (before === null) {
    action = 'create';
    changedFields = names;
  } else if (after === null) {
    action = 'delete';
    changedFields = names;
  } else {
    changedFields = names.filter((name) => before[name] !== after[name]);
    action = changedFields.length === 0 ? 'no-op' : 'update';
  }
  const facts = { action, before, after, changedFields };
  const impacts = options.drift === true ? descriptor.driftImpactsOf(facts) : descriptor.impactsOf(facts);
  const apiVersion = options.apiVersion ?? 'v3';
  return { appId, resource, apiVersion, auth: apiVersion === 'v3' ? 'developer-api-key' : 'access-token', action, before, after, changedFields, impacts };
}

export function plan(changes: Change[], targets?: number[]): Plan {
  const summary = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const item of changes) {
    if (item.action === 'no-op') summary.noop += 1;
    else summary[item.action] += 1;
  }
  return { changes, summary, ...(targets === undefined ? {} : { targets }) };
}

export function report(kind: ReportKind, changes: Change[], extra: Partial<Omit<PlanReport, 'kind' | 'plan'>> & { targets?: number[] } = {}): PlanReport {
  const { targets, ...rest } = extra;
  return { kind, plan: plan(changes, targets), configPaths: ['channel-connection.yaml'], ...rest };
}

export function outcomes(entries: [Change, ChangeOutcome][]): Map<ReturnType<typeof changeKey>, ChangeOutcome> {
  return new Map(entries.map(([item, outcome]) => [changeKey(item), outcome]));
}

export function finding(overrides: Partial<WebhookFinding> = {}): WebhookFinding {
  return { status: 'match', url: WEBHOOK, missing: [], unexpected: [], changedFriendlyName: [], ...overrides };
}

/**
 * The README's example plan: app 1234567 gets calling settings and
 * recording settings and its channel connection becomes ready; app 2345678
 * moves its dialer; app 3456789 (retired) loses its channel connection and
 * calling settings; app 4567890 is unchanged.
 */
export function readmePlan(): Change[] {
  return [
    change(1234567, 'calling-settings', null, calling()),
    change(1234567, 'recording-settings', null, recording()),
    change(1234567, 'channel-connection', connection({ isReady: false }), connection({ isReady: true })),
    change(2345678, 'calling-settings', calling(), calling({ url: 'https://app.acme.example/hubspot/dialer-v2', width: 420 }), { apiVersion: '2026-03' }),
    change(2345678, 'channel-connection', connection(), connection(), { apiVersion: '2026-03' }),
    change(3456789, 'calling-settings', calling({ name: 'Old Phone' }), null),
    change(3456789, 'channel-connection', connection({ url: 'https://old.example.com/hook' }), null),
    change(4567890, 'calling-settings', calling(), calling()),
  ];
}
