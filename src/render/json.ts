import type { ApiVersion, AuthMode } from '../config/model.js';
import { changeKey, type Action, type PlanReport, type ReportFailure, type ReportKind, type WebhookFinding } from '../plan/model.js';
import { resourceNamed, type Fields, type ResourceName } from '../resources/index.js';
import { driftedApps, reportError } from './view-model.js';
import { escapeJsonControls } from '../control-characters.js';

/** Wire version of every plan / apply / drift document. */
export const FORMAT_VERSION = 1;

/** An app's webhook findings: the default level's fields, the worst status, and every level probed. */
export interface WebhookJson extends WebhookFinding {
  levels: WebhookFinding[];
}

export interface ChangeJson {
  appId: number;
  resource: ResourceName;
  apiVersion: ApiVersion;
  auth: AuthMode;
  action: Action;
  before: Fields | null;
  after: Fields | null;
  changedFields: string[];
  impacts: { kind: string; message: string; warning: boolean }[];
  /** apply only. */
  applied?: boolean;
  /** apply only: why a change made no write although it was not a failure. */
  note?: string;
  /** apply only, when the change failed or was not attempted. */
  error?: { message: string; correlationId?: string; hint?: string; rerunnable?: boolean };
  /** drift --probe only, on the app's channel-connection change. */
  webhook?: WebhookJson;
}

export interface SummaryJson {
  create: number;
  update: number;
  delete: number;
  noop: number;
  /** drift only: apps whose settings or webhook differ. */
  drifted?: number;
}

export interface PlanJson {
  formatVersion: typeof FORMAT_VERSION;
  kind: ReportKind;
  /** A `--target` run: the only apps covered. */
  targets?: number[];
  /** apply only: a signal stopped it. */
  interrupted?: boolean;
  changes: ChangeJson[];
  summary: SummaryJson;
  error?: ReportFailure;
}

const STATUS_RANK: Record<WebhookFinding['status'], number> = { match: 0, mismatch: 1, error: 2 };

/** One finding for the app: the default level's details with the worst status of all levels. */
export function webhookJsonOf(findings: readonly WebhookFinding[]): WebhookJson | undefined {
  const first = findings[0];
  if (first === undefined) return undefined;
  const worst = findings.reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] ? b : a), first);
  return { ...first, status: worst.status, levels: findings.map((finding) => ({ ...finding })) };
}

/** The stable machine-readable form of a report (DESIGN.md "Machine-readable output"). */
export function toPlanJson(report: PlanReport): PlanJson {
  // Findings belong to the app's webhook resource (its channel connection).
  const carriesWebhook = (resource: ResourceName) => resourceNamed(resource).webhookUrlField !== undefined;
  const changes = report.plan.changes.map((change): ChangeJson => {
    const json: ChangeJson = {
      appId: change.appId,
      resource: change.resource,
      apiVersion: change.apiVersion,
      auth: change.auth,
      action: change.action,
      before: change.before === null ? null : { ...change.before },
      after: change.after === null ? null : { ...change.after },
      changedFields: [...change.changedFields],
      impacts: change.impacts.map((impact) => ({ kind: impact.kind, message: impact.message, warning: impact.warning })),
    };
    if (report.kind === 'apply') {
      const outcome = report.outcomes?.get(changeKey(change));
      json.applied = outcome?.applied ?? false;
      if (outcome?.note !== undefined) json.note = outcome.note;
      if (outcome?.error !== undefined) json.error = { ...outcome.error };
    }
    const findings = report.webhooks?.get(change.appId);
    if (findings !== undefined && carriesWebhook(change.resource)) {
      const webhook = webhookJsonOf(findings);
      if (webhook !== undefined) json.webhook = webhook;
    }
    return json;
  });
  const summary: SummaryJson = { ...report.plan.summary };
  if (report.kind === 'drift') summary.drifted = driftedApps(report).length;
  const document: PlanJson = { formatVersion: FORMAT_VERSION, kind: report.kind, changes, summary };
  if (report.plan.targets !== undefined) document.targets = [...report.plan.targets];
  if (report.interrupted === true) document.interrupted = true;
  const error = reportError(report);
  if (error !== undefined) document.error = { ...error };
  return document;
}

/**
 * 2-space JSON with a trailing newline, as every JSON document hscc prints;
 * what JSON.stringify leaves raw (bidi controls, C1) is escaped, same JSON.
 */
export function renderJson(value: unknown): string {
  return `${escapeJsonControls(JSON.stringify(value, null, 2))}\n`;
}
