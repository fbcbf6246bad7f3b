import type { ApiVersion, AuthMode } from '../config/model.js';
import type { Fields, Impact, ResourceName } from '../resources/index.js';

export type { Impact } from '../resources/index.js';

/** Stable action names (DESIGN.md). */
export type Action = 'create' | 'update' | 'delete' | 'no-op';

/** One app resource's planned change. `before`/`after` hold managed fields only. */
export interface Change {
  appId: number;
  resource: ResourceName;
  apiVersion: ApiVersion;
  auth: AuthMode;
  action: Action;
  before: Fields | null;
  after: Fields | null;
  /** Fields that differ, in the descriptor's order (update: the PATCH body keys; create/delete: all). */
  changedFields: string[];
  impacts: Impact[];
}

/** `appId/resource`: the key of a change in outcome maps. */
export type ChangeKey = `${number}/${ResourceName}`;

export function changeKey(change: { appId: number; resource: ResourceName }): ChangeKey {
  return `${change.appId}/${change.resource}`;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  noop: number;
}

/** Changes sorted by appId, then resource write order: the single order every output uses. */
export interface Plan {
  changes: Change[];
  summary: PlanSummary;
  /** Set for a `--target` run: the only apps the plan covers (sorted). */
  targets?: number[];
}

/** The error message of a change an interrupt kept from starting (DESIGN.md "Commands"). */
export const NOT_ATTEMPTED_INTERRUPTED = 'interrupted: not attempted';

/** What happened when a change was applied. */
export interface ChangeOutcome {
  /** True only when a write was made and succeeded. */
  applied: boolean;
  /** False when no write was started for it: an interrupt, an earlier failure of its app, or the client sent nothing (host given up on, credential refused). */
  attempted?: false;
  /** Set when not applied for a reason the user should read ("already as planned"). */
  note?: string;
  error?: {
    message: string;
    correlationId?: string;
    /** The next step, when the failure has one (a 403's missing scope). */
    hint?: string;
    /** True when running apply again can fix it (timeouts, 5xx, 429, interrupted). */
    rerunnable?: boolean;
  };
}

/** A number as the webhook answers it (after HubSpot's truncation rules). */
export interface WebhookNumber {
  e164PhoneNumber: string;
  extension?: string;
  friendlyName: string;
}

/** What probing one level (default, portal, user) of an app's live webhook found. */
export interface WebhookFinding {
  /** match: same numbers; mismatch: valid answer, other numbers; error: failed or invalid. */
  status: 'match' | 'mismatch' | 'error';
  url: string;
  /** Which declaration was checked: the portal and user ids sent; absent for the app's default. */
  portalId?: number;
  userId?: number;
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
 * per-change outcomes (apply) and webhook findings per app (drift --probe).
 */
export interface PlanReport {
  kind: ReportKind;
  plan: Plan;
  /** The command's path arguments exactly as given (globs unexpanded), for headings and stable PR-comment markers. */
  configPaths: string[];
  outcomes?: ReadonlyMap<ChangeKey, ChangeOutcome>;
  /** Per appId: one finding per probed level (default first, then portals, then users). */
  webhooks?: ReadonlyMap<number, WebhookFinding[]>;
  /** apply only: set when a signal stopped it. */
  interrupted?: boolean;
  /** apply only: set when the changes came from a saved plan (`apply PLANFILE`), which its own writes make stale. */
  savedPlan?: boolean;
  /** Set when the run failed before a plan existed or midway; views say what failed. */
  failure?: ReportFailure;
}

/** Why a run failed, as every view shows it (JSON: the top-level `error`). */
export interface ReportFailure {
  message: string;
  correlationId?: string;
  /** The next step, when there is one. */
  hint?: string;
  /** What exactly failed, a line each (a config's diagnostics), when the message only counts it. */
  details?: string[];
}
