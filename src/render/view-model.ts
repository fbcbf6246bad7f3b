// What the text and markdown views both read off a report: the facts, not
// their wording. Pure; field order and names come from the resource
// descriptors, never from a switch on a resource name.
import { changeKey, type Change, type ChangeOutcome, type PlanReport, type ReportFailure, type WebhookFinding } from '../plan/model.js';
import { escapeControlCharacters, escapeJsonControls } from '../control-characters.js';
import { resourceNamed, type FieldValue, type Fields } from '../resources/index.js';

/**
 * The field whose flip decides whether users can pick the app (DESIGN.md
 * "Plans say what users will notice"); reviewers must never miss it, so
 * every view names such changes first.
 */
export const READINESS_FIELD = 'isReady';

/** The descriptor's field names, in display and PATCH order. */
export function fieldNamesOf(change: Change): string[] {
  return resourceNamed(change.resource).fields.map((field) => field.name);
}

/** A value as config and plan text write it: strings quoted, the rest bare. */
export function formatValue(value: FieldValue | undefined): string {
  if (value === undefined) return '(absent)';
  return typeof value === 'string' ? quoted(value) : String(value);
}

/**
 * Text from HubSpot or a webhook in double quotes, safe to print: JSON
 * escapes C0 controls but leaves DEL, C1, line separators and bidi
 * overrides raw, which could recolour a terminal or reorder what a reviewer
 * reads.
 */
export function quoted(text: string): string {
  return escapeJsonControls(JSON.stringify(text));
}

/** `+14155552671` or `+14155552671 ext. 12`, as a webhook answered it: every part may be hostile text. */
export function numberText(number: { e164PhoneNumber: string; extension?: string }): string {
  const extension = number.extension === undefined ? '' : ` ext. ${escapeControlCharacters(number.extension)}`;
  return `${escapeControlCharacters(number.e164PhoneNumber)}${extension}`;
}

/** Set when a create or update flips whether users can pick the app (`false → true`, `true → false`); a delete is critical anyway. */
export function readinessFlip(change: Change): { before: boolean | undefined; after: boolean | undefined } | undefined {
  if (change.action === 'no-op' || change.action === 'delete') return undefined;
  const before = readiness(change.before);
  const after = readiness(change.after);
  if ((before === true) === (after === true)) return undefined;
  return { before, after };
}

function readiness(fields: Fields | null): boolean | undefined {
  const value = fields?.[READINESS_FIELD];
  return typeof value === 'boolean' ? value : undefined;
}

/** Deletes and readiness flips: what a review must show before anything else. */
export function isCritical(change: Change): boolean {
  return change.action === 'delete' || readinessFlip(change) !== undefined;
}

export function outcomeOf(report: PlanReport, change: Change): ChangeOutcome | undefined {
  return report.outcomes?.get(changeKey(change));
}

/** What happened to one change in an apply, as every view words it. */
export type OutcomeState = 'applied' | 'already' | 'failed' | 'not-attempted' | 'not-applied';

export function outcomeState(report: PlanReport, change: Change): OutcomeState {
  const outcome = outcomeOf(report, change);
  if (outcome?.applied === true) return 'applied';
  if (outcome?.error !== undefined) return isNotAttempted(outcome) ? 'not-attempted' : 'failed';
  if (outcome?.note !== undefined) return 'already';
  // Nothing recorded: the apply stopped before reaching it.
  return report.interrupted === true ? 'not-attempted' : 'not-applied';
}

function isNotAttempted(outcome: ChangeOutcome): boolean {
  return outcome.attempted === false;
}

/** The changes an apply acted on: every change that is not a no-op. */
export function changesToApply(report: PlanReport): Change[] {
  return report.plan.changes.filter((change) => change.action !== 'no-op');
}

export interface ApplyTally {
  created: number;
  updated: number;
  deleted: number;
  already: number;
  failed: number;
  notAttempted: number;
  /** True when at least one failure (or unattempted change) would be fixed by running apply again. */
  rerunnable: boolean;
  /** True when some failure is not fixed by a rerun (e.g. a 400 VALIDATION_ERROR). */
  needsFix: boolean;
}

const PAST_COUNTER = { create: 'created', update: 'updated', delete: 'deleted' } as const;

export function tallyApply(report: PlanReport): ApplyTally {
  const tally: ApplyTally = { created: 0, updated: 0, deleted: 0, already: 0, failed: 0, notAttempted: 0, rerunnable: false, needsFix: false };
  for (const change of changesToApply(report)) {
    const state = outcomeState(report, change);
    if (state === 'applied' && change.action !== 'no-op') tally[PAST_COUNTER[change.action]] += 1;
    else if (state === 'already') tally.already += 1;
    else if (state === 'not-attempted') {
      tally.notAttempted += 1;
      // As rerunnable as what stopped it: an interrupt, or the failure before it in its app.
      if (outcomeOf(report, change)?.error?.rerunnable === false) tally.needsFix = true;
      else tally.rerunnable = true;
    } else if (state === 'failed' || state === 'not-applied') {
      tally.failed += 1;
      if (outcomeOf(report, change)?.error?.rerunnable === true) tally.rerunnable = true;
      else tally.needsFix = true;
    }
  }
  return tally;
}

/**
 * What to do after an apply that did not finish: run it again; fix what a
 * rerun cannot, then run it again; fix and plan again; or, for a saved plan
 * that already wrote something (and so is stale), plan again.
 */
export type ApplyNextStep = 'rerun' | 'fix-then-rerun' | 'fix' | 'replan';

export function applyNextStep(report: PlanReport, tally: ApplyTally): ApplyNextStep {
  if (!tally.rerunnable) return 'fix';
  if (tally.needsFix) return 'fix-then-rerun';
  const wrote = tally.created + tally.updated + tally.deleted > 0;
  return report.savedPlan === true && wrote ? 'replan' : 'rerun';
}

/** An apply that did not finish every change: `Apply failed for 2 of 5 changes (1 failed, 1 not attempted)`; undefined when it did. */
export function unfinishedApply(report: PlanReport, tally: ApplyTally): string | undefined {
  const unfinished = tally.failed + tally.notAttempted;
  if (unfinished === 0) return undefined;
  const total = changesToApply(report).length;
  const what = [`${tally.failed} failed`];
  if (tally.notAttempted > 0) what.push(`${tally.notAttempted} not attempted`);
  return `Apply ${report.interrupted === true ? 'interrupted' : 'failed'} for ${unfinished} of ${total} ${plural(total, 'change')} (${what.join(', ')})`;
}

export const INTERRUPTED_APPLY = 'Apply interrupted: no new write was started after the signal.';

/**
 * Why a report's run exits 1, in one sentence, or undefined when it does
 * not: the JSON document's top-level `error` (DESIGN.md: a command that
 * fails with --json still prints one).
 */
export function reportError(report: PlanReport): ReportFailure | undefined {
  if (report.failure !== undefined) return report.failure;
  if (report.kind === 'apply') {
    const unfinished = unfinishedApply(report, tallyApply(report));
    if (unfinished !== undefined) return { message: `${unfinished}.` };
    return report.interrupted === true ? { message: INTERRUPTED_APPLY } : undefined;
  }
  const unchecked = report.kind === 'drift' ? appsWithFailedProbes(report) : [];
  if (unchecked.length > 0) return { message: `${capitalized(uncheckedWebhooks(unchecked))}.` };
  return undefined;
}

/** `the webhook of apps 1, 3 could not be checked`, for apps whose probes failed. */
export function uncheckedWebhooks(apps: readonly number[]): string {
  return `the webhook of ${plural(apps.length, 'app')} ${apps.join(', ')} could not be checked`;
}

/** `the plan is partial: only app 1`, for a `--target` run of any command: DESIGN.md's words, which checks look for. */
export function partialRun(targets: readonly number[]): string {
  return `the plan is partial: only ${plural(targets.length, 'app')} ${targets.join(', ')}`;
}

const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The webhook findings that differ from the config or failed, per app. */
export function webhookTroubleOf(report: PlanReport, appId: number): WebhookFinding[] {
  return (report.webhooks?.get(appId) ?? []).filter((finding) => finding.status !== 'match');
}

/** Apps whose settings or webhooks differ (drift's `summary.drifted`), in appId order. */
export function driftedApps(report: PlanReport): number[] {
  const apps = new Set<number>();
  for (const change of report.plan.changes) if (change.action !== 'no-op') apps.add(change.appId);
  // A webhook that failed is an error (exit 1), not drift: only other numbers count.
  for (const [appId, findings] of report.webhooks ?? []) if (findings.some((finding) => finding.status === 'mismatch')) apps.add(appId);
  return [...apps].sort((a, b) => a - b);
}

/** Apps with at least one webhook probe that failed or answered invalidly: their numbers could not be checked. */
export function appsWithFailedProbes(report: PlanReport): number[] {
  const apps: number[] = [];
  for (const [appId, findings] of report.webhooks ?? []) if (findings.some((finding) => finding.status === 'error')) apps.push(appId);
  return apps.sort((a, b) => a - b);
}

/** Which level of an app's webhook a finding is about: `default numbers`, `portal 42`, `portal 42, user 7`. */
export function webhookLevel(finding: WebhookFinding): string {
  if (finding.portalId === undefined) return 'default numbers';
  return finding.userId === undefined ? `portal ${finding.portalId}` : `portal ${finding.portalId}, user ${finding.userId}`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return count === 1 ? noun : nouns;
}

/** `1, 2, 3` or, past `shown` ids, `1, 2 and 8 more`. */
export function listIds(ids: readonly number[], shown: number): string {
  const listed = ids.slice(0, shown).join(', ');
  return ids.length > shown ? `${listed} and ${ids.length - shown} more` : listed;
}
