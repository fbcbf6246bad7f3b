// The PR-review view of plan, apply and drift (`--format markdown`, the
// GitHub step summary). Pure: a function of the PlanReport, nothing else.
import { createHash } from 'node:crypto';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { DEFAULT_CONFIG_FILE, type ManagedSettings } from '../config/model.js';
import type {
  Change,
  ChangeOutcome,
  Impact,
  ManagedField,
  PlanReport,
  ReportKind,
  WebhookFinding,
  WebhookNumber,
} from '../plan/model.js';

/**
 * Default size budget in UTF-16 code units. GitHub rejects comments over
 * 65,536 characters; UTF-16 units never undercount characters, and the
 * margin leaves room for a workflow to wrap the body.
 */
export const MARKDOWN_BUDGET = 65_000;

/** Unchanged apps get table rows up to this many; beyond it, one summary line. */
export const QUIET_ROWS_MAX = 10;

export interface MarkdownOptions {
  /** Maximum length of the result in UTF-16 code units (default MARKDOWN_BUDGET). */
  budget?: number;
}

/** Marker paths longer than this are replaced by their hash, so the marker stays short. */
const MARKER_PATHS_MAX = 300;
/** The truncation note is at most this long; room for it is kept when truncating. */
const NOTE_RESERVE = 400;
/** Unchanged app ids listed by name on the summary line before "and N more". */
const QUIET_IDS_LISTED = 20;

const NO_CHANGES = 'No changes. Remote settings match the configuration.';
const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', 'no-op': ' ' };
const FIELDS: readonly ManagedField[] = ['url', 'isReady'];
/** Icon per impact kind: every impact except a moved webhook changes what users can select. */
const IMPACT_ICON: Record<Impact['kind'], string> = {
  'becomes-selectable': '⚠️',
  'greyed-out': '⚠️',
  'connection-removed': '⚠️',
  'webhook-moved': 'ℹ️',
};
const WEBHOOK_STATUS: Record<WebhookFinding['status'], string> = {
  match: '✓ match',
  mismatch: '✗ other numbers',
  error: '✗ error',
};

/**
 * The hidden first line of every markdown report, e.g.
 * `<!-- hscc:plan channel-connection.yaml -->`. It depends only on the command
 * kind and the config paths, so a workflow can find and update its one PR
 * comment. Empty `configPaths` means the default config file, as on the CLI.
 */
export function markdownMarker(kind: ReportKind, configPaths: readonly string[]): string {
  const paths = configPaths.length === 0 ? [DEFAULT_CONFIG_FILE] : configPaths;
  let joined = paths.map(escapeForComment).join(' ');
  if (joined.length > MARKER_PATHS_MAX) {
    joined = `sha256:${createHash('sha256').update(paths.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return `<!-- hscc:${kind} ${joined} -->`;
}

/**
 * Renders a plan, apply or drift report as GitHub-flavoured markdown: marker,
 * heading, summary line, a table of apps, per-app details (before → after,
 * impacts, apply results, webhook findings) and folded JSON diffs.
 *
 * The result is at most `options.budget` UTF-16 code units. When the full
 * report is longer, the JSON diffs go first, then the per-app details past
 * what fits, then table rows past what fits; a note says what was left out.
 */
export function renderReportMarkdown(report: PlanReport, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? MARKDOWN_BUDGET;
  const notable = report.plan.changes.filter((change) => isNotable(change, report));
  const quiet = report.plan.changes.filter((change) => !isNotable(change, report));
  const columns = tableColumns(report);

  const head = [markdownMarker(report.kind, report.configPaths), heading(report), '', ...summaryLines(report)].join('\n');
  const quietAsRows = quiet.length <= QUIET_ROWS_MAX;
  const rows = [...notable, ...(quietAsRows ? quiet : [])].map((change) => tableRow(change, report, columns));
  const quietLine = quietAsRows ? null : quietSummary(quiet);
  const sections = notable.map((change) => ({ detail: detailSection(change, report), diff: jsonDiff(change) }));

  const compose = (rowCount: number, sectionCount: number, withDiffs: boolean, note: string | null): string => {
    const blocks = [head];
    if (rows.length > 0) {
      const shownRows = rows.slice(0, rowCount);
      const hidden = rows.length - shownRows.length;
      const table = [tableHeader(columns), ...shownRows];
      if (hidden > 0) table.push('', `_…and ${hidden} more ${plural(hidden, 'app')} not shown._`);
      blocks.push(table.join('\n'));
    }
    if (quietLine !== null) blocks.push(quietLine);
    for (const section of sections.slice(0, sectionCount)) {
      blocks.push(withDiffs && section.diff !== null ? `${section.detail}\n\n${section.diff}` : section.detail);
    }
    if (note !== null) blocks.push(note);
    return `${blocks.join('\n\n')}\n`;
  };

  const full = compose(rows.length, sections.length, true, null);
  if (full.length <= budget) return full;

  // Without diffs: keep as many detail sections as fit, or else as many rows.
  const limit = budget - NOTE_RESERVE;
  let rowCount = rows.length;
  let sectionCount = 0;
  let length = compose(rowCount, 0, false, null).length;
  if (length <= limit) {
    for (const section of sections) {
      const next = length + 2 + section.detail.length;
      if (next > limit) break;
      length = next;
      sectionCount += 1;
    }
  } else {
    // Largest row prefix that fits; binary search keeps a 2,000-row table to a dozen passes.
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (compose(mid, 0, false, null).length <= limit) low = mid;
      else high = mid - 1;
    }
    rowCount = low;
  }
  const note = truncationNote(report.kind, {
    diffsDropped: sections.some((section) => section.diff !== null),
    sectionsShown: sectionCount,
    sectionsTotal: sections.length,
    rowsShown: rowCount,
    rowsTotal: rows.length,
  });
  return compose(rowCount, sectionCount, false, note);
}

/** Apps that get a table row of their own and a detail section. */
function isNotable(change: Change, report: PlanReport): boolean {
  if (change.action !== 'no-op') return true;
  if (report.outcomes?.get(change.appId)?.error !== undefined) return true;
  const finding = report.webhooks?.get(change.appId);
  return finding !== undefined && finding.status !== 'match';
}

function heading(report: PlanReport): string {
  const paths = report.configPaths.length === 0 ? [DEFAULT_CONFIG_FILE] : report.configPaths;
  const listed = paths.map((path) => code(path)).join(', ');
  const where = listed.length <= 200 ? listed : `${paths.length} config paths`;
  return `### hscc ${report.kind}: ${where}`;
}

function summaryLines(report: PlanReport): string[] {
  const changed = report.plan.changes.filter((change) => change.action !== 'no-op');
  if (report.kind === 'plan') {
    if (changed.length === 0) return [`**${NO_CHANGES}**`];
    const { create, update, delete: remove } = report.plan.summary;
    return [`**Plan: ${create} to create, ${update} to update, ${remove} to delete.**`];
  }
  if (report.kind === 'apply') {
    if (changed.length === 0) return [`**${NO_CHANGES}**`];
    const applied = changed.filter((change) => report.outcomes?.get(change.appId)?.applied === true).length;
    const failed = changed.length - applied;
    return failed === 0
      ? [`**Apply complete! ${applied} applied, 0 failed.**`]
      : [`**Apply failed: ${applied} applied, ${failed} failed.** Run apply again to converge.`];
  }
  const findings = [...(report.webhooks?.values() ?? [])];
  const webhookOff = findings.filter((finding) => finding.status !== 'match').length;
  const drifted = report.plan.changes.filter((change) => isNotable(change, report)).length;
  if (drifted === 0) {
    const probed = report.webhooks === undefined ? '' : ' Every probed webhook answers the declared numbers.';
    return [`**No drift. Remote settings match the configuration.**${probed}`];
  }
  const parts = [`${changed.length} with settings drift`];
  if (report.webhooks !== undefined) parts.push(`${webhookOff} ${plural(webhookOff, 'webhook')} differing or failing`);
  return [`**Drift detected in ${drifted} ${plural(drifted, 'app')}.** ${capitalize(parts.join(', '))}.`];
}

type Column = 'result' | 'webhook';

function tableColumns(report: PlanReport): Column[] {
  if (report.kind === 'apply') return ['result'];
  if (report.kind === 'drift' && report.webhooks !== undefined) return ['webhook'];
  return [];
}

function tableHeader(columns: readonly Column[]): string {
  const names = ['App', 'API version', 'Action', 'Changed fields', ...columns.map((c) => (c === 'result' ? 'Result' : 'Webhook'))];
  return `| ${names.join(' | ')} |\n|${names.map(() => '---').join('|')}|`;
}

function tableRow(change: Change, report: PlanReport, columns: readonly Column[]): string {
  const warn = change.impacts.some((impact) => IMPACT_ICON[impact.kind] === '⚠️') ? ' ⚠️' : '';
  const action = change.action === 'no-op' ? 'no-op' : `\`${SYMBOL[change.action]} ${change.action}\`${warn}`;
  const fields = change.changedFields.length === 0 ? '—' : change.changedFields.map((field) => `\`${field}\``).join(', ');
  const cells = [String(change.appId), change.apiVersion, action, fields];
  for (const column of columns) {
    if (column === 'result') cells.push(resultCell(change, report.outcomes?.get(change.appId)));
    else {
      const finding = report.webhooks?.get(change.appId);
      cells.push(finding === undefined ? '—' : WEBHOOK_STATUS[finding.status]);
    }
  }
  return `| ${cells.join(' | ')} |`;
}

function resultCell(change: Change, outcome: ChangeOutcome | undefined): string {
  if (change.action === 'no-op') return '—';
  if (outcome?.applied === true) return '✓ applied';
  return outcome?.error === undefined ? '✗ not applied' : '✗ failed';
}

function quietSummary(quiet: readonly Change[]): string {
  const ids = quiet.slice(0, QUIET_IDS_LISTED).map((change) => String(change.appId));
  const more = quiet.length - ids.length;
  const list = more > 0 ? `${ids.join(', ')} and ${more} more` : ids.join(', ');
  return `**${quiet.length} unchanged ${plural(quiet.length, 'app')}** (no-op): ${list}.`;
}

function detailSection(change: Change, report: PlanReport): string {
  const title = change.action === 'no-op' ? `App ${change.appId}` : `\`${SYMBOL[change.action]}\` App ${change.appId} · ${change.action}`;
  const blocks = [`#### ${title} (${change.apiVersion})`];
  const fieldLines = change.changedFields.map(
    (field) => `- \`${field}\`: ${fieldValue(field, change.before)} → ${fieldValue(field, change.after)}`,
  );
  if (fieldLines.length > 0) blocks.push(fieldLines.join('\n'));
  if (change.impacts.length > 0) {
    blocks.push(change.impacts.map((impact) => `> ${IMPACT_ICON[impact.kind]} ${escapeText(impact.message)}`).join('\n>\n'));
  }
  const outcome = report.outcomes?.get(change.appId);
  if (report.kind === 'apply' && change.action !== 'no-op') blocks.push(outcomeLine(change, outcome));
  const finding = report.webhooks?.get(change.appId);
  if (finding !== undefined && finding.status !== 'match') blocks.push(webhookDetail(finding));
  return blocks.join('\n\n');
}

function fieldValue(field: ManagedField, settings: ManagedSettings | null): string {
  if (settings === null) return '_(none)_';
  return field === 'url' ? code(settings.url) : `\`${String(settings.isReady)}\``;
}

function outcomeLine(change: Change, outcome: ChangeOutcome | undefined): string {
  if (outcome?.applied === true) return `**Result:** ✓ applied (${change.action})`;
  const error = outcome?.error;
  if (error === undefined) return '**Result:** ✗ not applied';
  const id = error.correlationId === undefined ? '' : ` (correlationId ${code(error.correlationId)})`;
  return `**Result:** ✗ failed: ${escapeText(error.message)}${id}`;
}

function webhookDetail(finding: WebhookFinding): string {
  if (finding.status === 'error') {
    return `**Webhook** ${code(finding.url)}: ✗ error: ${escapeText(finding.error ?? 'the probe failed')}`;
  }
  const lines = [`**Webhook** ${code(finding.url)} answers other numbers than declared:`, ''];
  for (const number of finding.missing) lines.push(`- missing (declared, not answered): ${numberLabel(number)}`);
  for (const number of finding.unexpected) lines.push(`- unexpected (answered, not declared): ${numberLabel(number)}`);
  for (const changed of finding.changedFriendlyName) {
    const extension = changed.extension === undefined ? '' : ` ext. ${code(changed.extension)}`;
    lines.push(
      `- friendlyName changed: ${code(changed.e164PhoneNumber)}${extension}: “${escapeText(changed.expected)}” → “${escapeText(changed.actual)}”`,
    );
  }
  return lines.join('\n');
}

function numberLabel(number: WebhookNumber): string {
  const extension = number.extension === undefined ? '' : ` ext. ${code(number.extension)}`;
  return `${code(number.e164PhoneNumber)}${extension} “${escapeText(number.friendlyName)}”`;
}

/** Unified diff of the 2-space JSON before → after, folded; null for apps with no settings change. */
function jsonDiff(change: Change): string | null {
  if (change.action === 'no-op') return null;
  const patch = createTwoFilesPatch(
    `app-${change.appId}/remote.json`,
    `app-${change.appId}/config.json`,
    settingsJson(change.before),
    settingsJson(change.after),
    undefined,
    undefined,
    { headerOptions: FILE_HEADERS_ONLY },
  );
  const fence = fenceFor(patch);
  return [
    '<details><summary>JSON diff</summary>',
    '',
    `${fence}diff`,
    patch.trimEnd(),
    fence,
    '',
    '</details>',
  ].join('\n');
}

/** Absent settings diff as an empty file, so a create is all additions. */
function settingsJson(settings: ManagedSettings | null): string {
  if (settings === null) return '';
  const ordered: ManagedSettings = { url: settings.url, isReady: settings.isReady };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function truncationNote(
  kind: ReportKind,
  shown: { diffsDropped: boolean; sectionsShown: number; sectionsTotal: number; rowsShown: number; rowsTotal: number },
): string {
  const parts: string[] = [];
  if (shown.diffsDropped) parts.push('JSON diffs omitted');
  if (shown.sectionsShown < shown.sectionsTotal) {
    parts.push(`details shown for ${shown.sectionsShown} of ${shown.sectionsTotal} apps`);
  }
  if (shown.rowsShown < shown.rowsTotal) parts.push(`table shows ${shown.rowsShown} of ${shown.rowsTotal} apps`);
  return (
    `> **Truncated** to stay under GitHub's comment size limit: ${parts.join('; ')}. ` +
    `See the CI log or the JSON output (\`hscc ${kind} --json\`) for the full report.`
  );
}

/**
 * A code span holding `text` verbatim (only newlines become spaces). Not for
 * table cells: user text never goes in one, so pipes need no escape here.
 */
function code(text: string): string {
  const body = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longestRun + 1);
  // A space on both sides keeps a leading or trailing backtick from joining the fence; CommonMark strips it.
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Plain text with markdown, HTML and table syntax neutralised. */
function escapeText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    // Backslash escapes first, so the entities below keep their `#`.
    .replace(/[\\*_[\]~#!]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;');
}

/** `<`, `>` and `--` cannot appear inside an HTML comment; `%` is encoded too so the mapping stays one-to-one. */
function escapeForComment(text: string): string {
  return text
    .replace(/%/g, '%25')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/-(?=-)/g, '%2D')
    .replace(/\s/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A code fence longer than any backtick run in the content. */
function fenceFor(content: string): string {
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
