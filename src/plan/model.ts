import type { ApiVersion, ManagedSettings } from '../config/model.js';

/** Stable action names (DESIGN.md). */
export type Action = 'create' | 'update' | 'delete' | 'no-op';

export type ManagedField = keyof ManagedSettings;

/**
 * What a user will notice when a change is applied. Stored in the model so
 * every renderer agrees (aws-cdk keeps impact in the diff, not the view).
 */
export type ImpactKind = 'becomes-selectable' | 'greyed-out' | 'connection-removed' | 'webhook-moved';

export interface Impact {
  kind: ImpactKind;
  message: string;
}

/** One app's planned change. `before`/`after` hold managed fields only. */
export interface Change {
  appId: number;
  apiVersion: ApiVersion;
  action: Action;
  before: ManagedSettings | null;
  after: ManagedSettings | null;
  /** Fields that differ (update: the PATCH body keys; create/delete: all set). */
  changedFields: ManagedField[];
  impacts: Impact[];
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  noop: number;
}

/** Changes sorted by appId: the single order every output uses. */
export interface Plan {
  changes: Change[];
  summary: PlanSummary;
}

/** What happened when a change was applied. */
export interface ChangeOutcome {
  /** True only when a write was made and succeeded. */
  applied: boolean;
  error?: { message: string; correlationId?: string };
}

/** A number as the webhook answers it (after HubSpot's truncation rules). */
export interface WebhookNumber {
  e164PhoneNumber: string;
  extension?: string;
  friendlyName: string;
}

/** What probing an app's live webhook found, compared with the config. */
export interface WebhookFinding {
  /** match: same numbers; mismatch: valid answer, other numbers; error: failed or invalid. */
  status: 'match' | 'mismatch' | 'error';
  url: string;
  /** Declared but not answered. */
  missing: WebhookNumber[];
  /** Answered but not declared. */
  unexpected: WebhookNumber[];
  /** Same number, other friendlyName. */
  changedFriendlyName: { e164PhoneNumber: string; extension?: string; expected: string; actual: string }[];
  /** Set when status is error. */
  error?: string;
}

export type ReportKind = 'plan' | 'apply' | 'drift';

/**
 * Everything a view needs to render one command's result: the plan, plus
 * per-app outcomes (apply) and webhook findings (drift --probe).
 */
export interface PlanReport {
  kind: ReportKind;
  plan: Plan;
  /** Config paths as given, for headings and stable PR-comment markers. */
  configPaths: string[];
  outcomes?: ReadonlyMap<number, ChangeOutcome>;
  webhooks?: ReadonlyMap<number, WebhookFinding>;
}
