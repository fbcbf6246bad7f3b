import type { ApiVersion, ManagedSettings } from '../config/model.js';
import type { Action, ImpactKind, ManagedField, PlanReport, ReportKind, WebhookFinding } from '../plan/model.js';

/** Wire version of every plan / apply / drift document. */
export const FORMAT_VERSION = 1;

export interface ChangeJson {
  appId: number;
  apiVersion: ApiVersion;
  action: Action;
  before: ManagedSettings | null;
  after: ManagedSettings | null;
  changedFields: ManagedField[];
  impacts: { kind: ImpactKind; message: string }[];
  /** apply only. */
  applied?: boolean;
  /** apply only, when the change failed. */
  error?: { message: string; correlationId?: string };
  /** drift --probe only. */
  webhook?: WebhookFinding;
}

export interface PlanJson {
  formatVersion: typeof FORMAT_VERSION;
  kind: ReportKind;
  changes: ChangeJson[];
  summary: { create: number; update: number; delete: number; noop: number };
}

/** The stable machine-readable form of a report (DESIGN.md "Machine-readable output"). */
export function toPlanJson(report: PlanReport): PlanJson {
  const changes = report.plan.changes.map((change): ChangeJson => {
    const json: ChangeJson = {
      appId: change.appId,
      apiVersion: change.apiVersion,
      action: change.action,
      before: change.before === null ? null : { ...change.before },
      after: change.after === null ? null : { ...change.after },
      changedFields: [...change.changedFields],
      impacts: change.impacts.map((impact) => ({ ...impact })),
    };
    if (report.kind === 'apply') {
      const outcome = report.outcomes?.get(change.appId);
      json.applied = outcome?.applied ?? false;
      if (outcome?.error !== undefined) json.error = { ...outcome.error };
    }
    const webhook = report.webhooks?.get(change.appId);
    if (webhook !== undefined) json.webhook = webhook;
    return json;
  });
  return { formatVersion: FORMAT_VERSION, kind: report.kind, changes, summary: { ...report.plan.summary } };
}

/** 2-space JSON with a trailing newline, as every JSON document hscc prints. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
