// The human views of plan, apply and drift, after Terraform's: one block per
// app and resource, impacts under it, one closing line. Pure.
import { escapeControlCharacters } from '../control-characters.js';
import { NOT_ATTEMPTED_INTERRUPTED, type Action, type Change, type Impact, type PlanReport, type PlanSummary, type WebhookFinding, type WebhookNumber } from '../plan/model.js';
import type { Palette } from './palette.js';
import {
  applyNextStep,
  appsWithFailedProbes,
  changesToApply,
  driftedApps,
  fieldNamesOf,
  formatValue,
  INTERRUPTED_APPLY,
  outcomeOf,
  partialRun,
  outcomeState,
  numberText,
  plural,
  quoted,
  tallyApply,
  uncheckedWebhooks,
  unfinishedApply,
  webhookLevel,
  type ApplyNextStep,
} from './view-model.js';

const NO_CHANGES = 'No changes. Remote settings match the configuration.';

/** Terraform-style plan text (drift reports get the drift view): one block per change, then the summary line. */
export function renderPlanText(report: PlanReport, palette: Palette): string {
  if (report.kind === 'drift') return renderDriftText(report, palette);
  const lines = partialNote(report, palette);
  const changed = report.plan.changes.filter((change) => change.action !== 'no-op');
  if (changed.length === 0) {
    lines.push(palette.green(NO_CHANGES));
    return `${lines.join('\n')}\n`;
  }
  lines.push('hscc will perform the following actions:', '');
  for (const change of changed) lines.push(...renderChangeBlock(change, palette), '');
  lines.push(palette.bold(planSummaryLine(report.plan.summary)));
  return `${lines.join('\n')}\n`;
}

/** `Plan: N to create, N to update, N to delete.` (counting resources). */
export function planSummaryLine(summary: PlanSummary): string {
  return `Plan: ${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete.`;
}

/** For a `--target` run: says the plan covers only some apps (DESIGN.md "Commands"). */
function partialNote(report: PlanReport, palette: Palette): string[] {
  const targets = report.plan.targets;
  if (targets === undefined) return [];
  return [palette.yellow(`Note: ${partialRun(targets)} (--target).`), ''];
}

const HEADLINE: Record<Action, string> = {
  create: 'will be created',
  update: 'will be updated in place',
  delete: 'will be deleted',
  'no-op': 'has no changes',
};

const SYMBOL: Record<Action, string> = { create: '+', update: '~', delete: '-', 'no-op': ' ' };

function colourOf(action: Action, palette: Palette): (text: string) => string {
  if (action === 'create') return palette.green;
  if (action === 'update') return palette.yellow;
  if (action === 'delete') return palette.red;
  return (text) => text;
}

/** `~ calling-settings "1234567" {`: Terraform's resource line, named by resource and app. */
function resourceLine(change: Change, paint: (text: string) => string): string {
  return `  ${paint(SYMBOL[change.action])} ${change.resource} "${change.appId}" {`;
}

/** One Terraform-style block for a change (fields in descriptor order), then its impacts. */
function renderChangeBlock(change: Change, palette: Palette): string[] {
  const paint = colourOf(change.action, palette);
  const lines = [
    palette.bold(`  # app ${change.appId} ${change.resource} ${HEADLINE[change.action]}`) + palette.dim(` (api ${change.apiVersion})`),
    resourceLine(change, paint),
  ];
  // As Terraform: an update shows only what changes, and counts the rest.
  const shown = fieldNamesOf(change).filter((field) => change.action !== 'update' || change.changedFields.includes(field));
  const hidden = fieldNamesOf(change).length - shown.length;
  const width = Math.max(...shown.map((name) => name.length));
  for (const field of shown) {
    const name = field.padEnd(width);
    const before = change.before?.[field];
    const after = change.after?.[field];
    if (change.action === 'create') {
      if (after !== undefined) lines.push(`      ${paint('+')} ${name} = ${formatValue(after)}`);
    } else if (change.action === 'delete') {
      if (before !== undefined) lines.push(`      ${paint('-')} ${name} = ${formatValue(before)}`);
    } else {
      lines.push(`      ${paint('~')} ${name} = ${formatValue(before)} -> ${formatValue(after)}`);
    }
  }
  if (hidden > 0) lines.push(palette.dim(`        # (${hidden} unchanged ${plural(hidden, 'attribute')} hidden)`));
  lines.push('    }');
  for (const impact of change.impacts) lines.push(impactLine(impact, palette));
  return lines;
}

/**
 * The result of an apply: every change with what happened to it (applied,
 * already as planned, failed with message and correlationId, or not
 * attempted), then one closing line. "Run apply again" only when a rerun
 * can fix what failed.
 */
export function renderApplyText(report: PlanReport, palette: Palette): string {
  const lines = partialNote(report, palette);
  if (report.interrupted === true) lines.push(palette.bold(palette.red(INTERRUPTED_APPLY)), '');
  const changes = changesToApply(report);
  for (const change of changes) lines.push(outcomeLine(report, change, palette));
  const tally = tallyApply(report);
  const counts = `${tally.created} created, ${tally.updated} updated, ${tally.deleted} deleted`;
  const already = tally.already > 0 ? `, ${tally.already} already as planned` : '';
  const unfinished = unfinishedApply(report, tally);
  if (changes.length === 0) {
    lines.push(palette.green(NO_CHANGES));
  } else if (unfinished === undefined) {
    lines.push('', palette.bold(palette.green(`Apply complete! Resources: ${counts}${already}.`)));
  } else {
    lines.push('', palette.bold(palette.red(`${unfinished}; ${counts}${already}.`)));
    lines.push(NEXT_STEP[applyNextStep(report, tally)]);
  }
  if (report.failure !== undefined) lines.push(palette.red(`error: ${report.failure.message}${correlation(report.failure.correlationId)}`));
  return `${lines.join('\n')}\n`;
}

const NEXT_STEP: Readonly<Record<ApplyNextStep, string>> = {
  rerun: 'Run apply again to converge.',
  'fix-then-rerun': 'Fix the errors a rerun cannot fix, then run apply again to converge.',
  fix: 'A rerun will not fix these errors: fix the configuration (or the app in HubSpot), then plan again.',
  replan: 'The saved plan is stale now that it wrote to HubSpot: run `hscc plan --out FILE` again, review it, and apply the new plan.',
};

const PAST: Record<Exclude<Action, 'no-op'>, string> = { create: 'created', update: 'updated', delete: 'deleted' };

function outcomeLine(report: PlanReport, change: Change, palette: Palette): string {
  const subject = `app ${change.appId} ${change.resource}`;
  const state = outcomeState(report, change);
  const outcome = outcomeOf(report, change);
  const action = change.action === 'no-op' ? 'update' : change.action;
  if (state === 'applied') return `${palette.green('✓')} ${subject}: ${PAST[action]}`;
  if (state === 'already') return `${palette.green('=')} ${subject}: ${outcome?.note ?? 'already as planned'}`;
  const error = outcome?.error;
  const hint = error?.hint === undefined ? '' : `\n  hint: ${error.hint}`;
  // Why it was not attempted: an interrupt, an earlier failure of its app, a refused credential.
  if (state === 'not-attempted') return `${palette.yellow('-')} ${subject}: ${action} ${error?.message ?? NOT_ATTEMPTED_INTERRUPTED}${hint}`;
  const why = error === undefined ? 'not applied' : `${error.message}${correlation(error.correlationId)}`;
  return `${palette.red('✗')} ${subject}: ${action} failed: ${why}${hint}`;
}

function correlation(correlationId: string | undefined): string {
  return correlationId === undefined ? '' : ` (correlationId ${correlationId})`;
}

/**
 * Drift as a report of the present, one direction throughout: what HubSpot
 * (or the live webhook) has now, against what the config declares. Impacts
 * are the plan builder's drift impacts (what is true now).
 */
export function renderDriftText(report: PlanReport, palette: Palette): string {
  const lines = partialNote(report, palette);
  const drifted = report.plan.changes.filter((change) => change.action !== 'no-op');
  for (const change of drifted) lines.push(...renderDriftBlock(change, palette), '');
  const webhookLines: string[] = [];
  for (const [appId, findings] of [...(report.webhooks ?? new Map<number, WebhookFinding[]>())].sort((a, b) => a[0] - b[0])) {
    for (const finding of findings) webhookLines.push(...renderWebhookFinding(appId, finding, palette));
  }
  if (webhookLines.length > 0) lines.push('Webhooks:', ...webhookLines, '');
  const apps = driftedApps(report);
  const unchecked = appsWithFailedProbes(report);
  if (apps.length === 0 && unchecked.length > 0) {
    lines.push(palette.bold(palette.red(`No settings drift, but ${uncheckedWebhooks(unchecked)}.`)));
  } else if (apps.length === 0) {
    lines.push(palette.green('No drift. Remote settings match the configuration.'));
  } else {
    const webhookApps = new Set([...(report.webhooks ?? [])].filter(([, findings]) => findings.some((f) => f.status !== 'match')).map(([appId]) => appId));
    const parts = [`${drifted.length} ${plural(drifted.length, 'resource')} with settings drift`];
    if (report.webhooks !== undefined) parts.push(`${webhookApps.size} ${plural(webhookApps.size, 'app')} whose webhook differs or fails`);
    lines.push(palette.bold(palette.yellow(`Drift detected in ${apps.length} ${plural(apps.length, 'app')}: ${parts.join(', ')}.`)));
  }
  return `${lines.join('\n')}\n`;
}

const DRIFT_HEADLINE: Record<Action, string> = {
  create: 'is missing in HubSpot',
  update: 'differs from the config',
  delete: 'exists though the config declares it absent',
  'no-op': 'matches the config',
};

/** One resource's drift: per field, HubSpot's value against the config's. */
function renderDriftBlock(change: Change, palette: Palette): string[] {
  const paint = colourOf(change.action, palette);
  const lines = [
    palette.bold(`  # app ${change.appId} ${change.resource} ${DRIFT_HEADLINE[change.action]}`) + palette.dim(` (api ${change.apiVersion})`),
    resourceLine(change, paint),
  ];
  if (change.action === 'create') lines.push(`      HubSpot has none; the config declares ${describeFields(change, 'after')}`);
  else if (change.action === 'delete') lines.push(`      HubSpot has ${describeFields(change, 'before')}; the config declares none`);
  else {
    for (const field of fieldNamesOf(change)) {
      if (!change.changedFields.includes(field)) continue;
      lines.push(`      ${paint('~')} HubSpot has ${field} = ${formatValue(change.before?.[field])}; the config declares ${formatValue(change.after?.[field])}`);
    }
  }
  lines.push('    }');
  for (const impact of change.impacts) lines.push(impactLine(impact, palette));
  return lines;
}

/** An impact under its block. A saved plan is input to `show`: its text is escaped like any input's. */
function impactLine(impact: Impact, palette: Palette): string {
  return `    ${impact.warning ? palette.yellow('!') : palette.dim('i')} ${escapeControlCharacters(impact.message)}`;
}

function describeFields(change: Change, side: 'before' | 'after'): string {
  const fields = change[side] ?? {};
  const parts = fieldNamesOf(change).flatMap((field) => (fields[field] === undefined ? [] : [`${field} = ${formatValue(fields[field])}`]));
  return parts.length === 0 ? 'it' : parts.join(', ');
}

function numberLabel(number: WebhookNumber): string {
  return `${numberText(number)} (${quoted(number.friendlyName)})`;
}

/**
 * Lines for one probed level of an app's webhook, shared by drift and probe:
 * what the webhook answers now, against what the config declares.
 */
function renderWebhookFinding(appId: number, finding: WebhookFinding, palette: Palette): string[] {
  const where = `app ${appId} ${webhookLevel(finding)}: ${escapeControlCharacters(finding.url)}`;
  if (finding.status === 'match') return [`  ${palette.green('✓')} ${where} answers the declared numbers`];
  if (finding.status === 'error') return [`  ${palette.red('✗')} ${where}: ${escapeControlCharacters(finding.error ?? 'the probe failed')}`];
  const lines = [`  ${palette.yellow('~')} ${where} answers other numbers than the config declares`];
  for (const number of finding.missing) lines.push(`      ${palette.red('-')} the webhook does not answer ${numberLabel(number)}; the config declares it`);
  for (const number of finding.unexpected) lines.push(`      ${palette.green('+')} the webhook answers ${numberLabel(number)}; the config does not declare it`);
  for (const changed of finding.changedFriendlyName) {
    lines.push(
      `      ${palette.yellow('~')} the webhook answers ${numberText(changed)} as ${quoted(changed.actual)}; the config declares ${quoted(changed.expected)}`,
    );
  }
  return lines;
}
