import type { ManagedSettings } from '../config/model.js';
import type { Change, ChangeOutcome, PlanReport, PlanSummary, WebhookFinding, WebhookNumber } from '../plan/model.js';
import type { Palette } from './palette.js';

const NO_CHANGES = 'No changes. Remote settings match the configuration.';

/** Terraform-style plan text: one block per changed app, then the summary line. */
export function renderPlanText(report: PlanReport, palette: Palette): string {
  const lines: string[] = [];
  const changed = report.plan.changes.filter((change) => change.action !== 'no-op');
  if (report.kind === 'drift') return renderDriftText(report, palette);

  if (changed.length === 0) {
    lines.push(palette.green(NO_CHANGES));
    return `${lines.join('\n')}\n`;
  }
  lines.push('hscc will perform the following actions:', '');
  for (const change of changed) lines.push(...renderChangeBlock(change, palette), '');
  lines.push(palette.bold(planSummaryLine(report.plan.summary)));
  return `${lines.join('\n')}\n`;
}

/** `Plan: N to create, N to update, N to delete.` */
export function planSummaryLine(summary: PlanSummary): string {
  return `Plan: ${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete.`;
}

const HEADLINE: Record<Change['action'], string> = {
  create: 'will be created',
  update: 'will be updated in place',
  delete: 'will be deleted',
  'no-op': 'has no changes',
};

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', 'no-op': ' ' };

function colourOf(action: Change['action'], palette: Palette): (text: string) => string {
  if (action === 'create') return palette.green;
  if (action === 'update') return palette.yellow;
  if (action === 'delete') return palette.red;
  return (text) => text;
}

function value(field: keyof ManagedSettings, settings: ManagedSettings): string {
  return field === 'url' ? JSON.stringify(settings.url) : String(settings.isReady);
}

/** One Terraform-style block for a change, including its user-visible impacts. */
export function renderChangeBlock(change: Change, palette: Palette): string[] {
  const paint = colourOf(change.action, palette);
  const lines = [
    palette.bold(`  # app ${change.appId} ${HEADLINE[change.action]}`) + palette.dim(` (api ${change.apiVersion})`),
    `  ${paint(SYMBOL[change.action])} channel-connection {`,
  ];
  const fields: (keyof ManagedSettings)[] = ['url', 'isReady'];
  for (const field of fields) {
    const name = field.padEnd(7);
    if (change.action === 'create' && change.after !== null) {
      lines.push(`      ${paint('+')} ${name} = ${value(field, change.after)}`);
    } else if (change.action === 'delete' && change.before !== null) {
      lines.push(`      ${paint('-')} ${name} = ${value(field, change.before)}`);
    } else if (change.before !== null && change.after !== null) {
      if (change.changedFields.includes(field)) {
        lines.push(`      ${paint('~')} ${name} = ${value(field, change.before)} -> ${value(field, change.after)}`);
      } else {
        lines.push(palette.dim(`        ${name} = ${value(field, change.after)}`));
      }
    }
  }
  lines.push('    }');
  for (const impact of change.impacts) lines.push(`    ${palette.yellow('!')} ${impact.message}`);
  return lines;
}

/** Per-app results of an apply, then Terraform's closing line. */
export function renderApplyText(report: PlanReport, palette: Palette): string {
  const outcomes = report.outcomes ?? new Map<number, ChangeOutcome>();
  const lines: string[] = [];
  let failed = 0;
  const done = { create: 0, update: 0, delete: 0 };
  for (const change of report.plan.changes) {
    if (change.action === 'no-op') continue;
    const outcome = outcomes.get(change.appId);
    if (outcome?.applied === true) {
      done[change.action] += 1;
      lines.push(`${palette.green('✓')} app ${change.appId}: ${PAST[change.action]}`);
    } else {
      failed += 1;
      const error = outcome?.error;
      const why = error === undefined ? 'not applied' : error.message;
      const id = error?.correlationId === undefined ? '' : ` (correlationId ${error.correlationId})`;
      lines.push(`${palette.red('✗')} app ${change.appId}: ${change.action} failed: ${why}${id}`);
    }
  }
  const counts = `${done.create} created, ${done.update} updated, ${done.delete} deleted`;
  if (lines.length === 0) lines.push(palette.green(NO_CHANGES));
  else if (failed === 0) lines.push('', palette.bold(palette.green(`Apply complete! Apps: ${counts}.`)));
  else lines.push('', palette.bold(palette.red(`Apply failed for ${failed} app${failed === 1 ? '' : 's'}; ${counts}. Run apply again to converge.`)));
  return `${lines.join('\n')}\n`;
}

const PAST = { create: 'created', update: 'updated', delete: 'deleted' } as const;

function renderDriftText(report: PlanReport, palette: Palette): string {
  const lines: string[] = [];
  const drifted = report.plan.changes.filter((change) => change.action !== 'no-op');
  for (const change of drifted) lines.push(...renderChangeBlock(change, palette), '');
  const webhookLines: string[] = [];
  for (const [appId, finding] of [...(report.webhooks ?? new Map<number, WebhookFinding>())].sort((a, b) => a[0] - b[0])) {
    webhookLines.push(...renderWebhookFinding(appId, finding, palette));
  }
  if (webhookLines.length > 0) lines.push('Webhooks:', ...webhookLines, '');
  const webhookDrift = [...(report.webhooks?.values() ?? [])].filter((finding) => finding.status !== 'match').length;
  if (drifted.length === 0 && webhookDrift === 0) {
    lines.push(palette.green('No drift. Remote settings match the configuration.'));
  } else {
    const parts = [`${drifted.length} app${drifted.length === 1 ? '' : 's'} with settings drift`];
    if (report.webhooks !== undefined) parts.push(`${webhookDrift} webhook${webhookDrift === 1 ? '' : 's'} differing or failing`);
    lines.push(palette.bold(palette.yellow(`Drift detected: ${parts.join(', ')}.`)));
  }
  return `${lines.join('\n')}\n`;
}

function numberLabel(number: WebhookNumber): string {
  const extension = number.extension === undefined ? '' : ` ext. ${number.extension}`;
  return `${number.e164PhoneNumber}${extension} (${JSON.stringify(number.friendlyName)})`;
}

/** Lines describing one app's webhook probe, shared by drift and probe output. */
export function renderWebhookFinding(appId: number, finding: WebhookFinding, palette: Palette): string[] {
  if (finding.status === 'match') return [`  ${palette.green('✓')} app ${appId}: ${finding.url} answers the declared numbers`];
  if (finding.status === 'error') return [`  ${palette.red('✗')} app ${appId}: ${finding.url}: ${finding.error ?? 'failed'}`];
  const lines = [`  ${palette.yellow('~')} app ${appId}: ${finding.url} answers other numbers`];
  for (const number of finding.missing) lines.push(`      ${palette.red('-')} missing    ${numberLabel(number)}`);
  for (const number of finding.unexpected) lines.push(`      ${palette.green('+')} unexpected ${numberLabel(number)}`);
  for (const changed of finding.changedFriendlyName) {
    lines.push(
      `      ${palette.yellow('~')} ${changed.e164PhoneNumber} friendlyName ${JSON.stringify(changed.expected)} -> ${JSON.stringify(changed.actual)}`,
    );
  }
  return lines;
}
