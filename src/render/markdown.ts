// The PR-review view of plan, apply and drift (`--format markdown`, the
// GitHub step summary). Pure: a function of the PlanReport, nothing else.
import { createHash } from 'node:crypto';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { DEFAULT_CONFIG_FILE } from '../config/model.js';
import { escapeControlCharacters, escapeJsonControls, percentEncodeControls } from '../control-characters.js';
import { NOT_ATTEMPTED_INTERRUPTED, type Action, type Change, type Impact, type PlanReport, type ReportFailure, type ReportKind, type WebhookFinding, type WebhookNumber } from '../plan/model.js';
import type { FieldValue, Fields } from '../resources/index.js';
import {
  applyNextStep,
  partialRun,
  READINESS_FIELD,
  appsWithFailedProbes,
  driftedApps,
  fieldNamesOf,
  isCritical,
  outcomeOf,
  outcomeState,
  listIds,
  plural,
  readinessFlip,
  tallyApply,
  uncheckedWebhooks,
  webhookLevel,
  webhookTroubleOf,
  type OutcomeState,
  type ApplyNextStep,
} from './view-model.js';

/**
 * Default size budget in UTF-16 code units. GitHub rejects comments over
 * 65,536 characters; UTF-16 units never undercount characters, and the
 * margin leaves room for a workflow to wrap the body.
 */
export const MARKDOWN_BUDGET = 65_000;

/** Unchanged resources get table rows up to this many; beyond it, one summary line. */
export const QUIET_ROWS_MAX = 10;

export interface MarkdownOptions {
  /** Maximum size of the result, in the unit `measure` counts (default MARKDOWN_BUDGET UTF-16 units). */
  budget?: number;
  /** How size is counted: UTF-16 units by default; the step summary counts UTF-8 bytes. */
  measure?: (text: string) => number;
}

/** Marker text longer than this is replaced by its hash, so the marker stays short. */
const MARKER_TEXT_MAX = 300;
/** The truncation note is at most about this long; room for it is kept while choosing what fits. */
const NOTE_RESERVE = 600;
/** Unchanged app ids listed by name on the summary line before "and N more". */
const QUIET_IDS_LISTED = 20;

const NO_CHANGES = 'No changes. Remote settings match the configuration.';

/** Symbol and word, so create, update and delete differ at a glance (and without colour). */
const ACTION_LABEL: Record<Action, string> = {
  create: '➕ create',
  update: '✏️ update',
  delete: '🗑️ **delete**',
  'no-op': 'no-op',
};
const DRIFT_LABEL: Record<Action, string> = {
  create: '➕ missing in HubSpot',
  update: '✏️ differs',
  delete: '🗑️ **declared absent**',
  'no-op': 'in sync',
};
const RESULT_LABEL: Record<OutcomeState, string> = {
  applied: '✓ applied',
  already: '= already as planned',
  failed: '✗ failed',
  'not-attempted': '⏸ not attempted',
  'not-applied': '✗ not applied',
};

/**
 * The hidden first line of every markdown report, e.g.
 * `<!-- hscc:plan environments/production/*.yaml target=42 -->`. It depends
 * only on the command kind, the path arguments exactly as given (globs
 * unexpanded) and the targets, so a workflow can find and update its one PR
 * comment. Empty `configPaths` means the default config file, as on the CLI.
 */
export function markdownMarker(kind: ReportKind, configPaths: readonly string[], targets?: readonly number[]): string {
  const paths = configPaths.length === 0 ? [DEFAULT_CONFIG_FILE] : configPaths;
  let text = paths.map(escapeForComment).join(' ');
  if (targets !== undefined && targets.length > 0) text += ` target=${targets.join(',')}`;
  if (text.length > MARKER_TEXT_MAX) text = `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  return `<!-- hscc:${kind} ${text} -->`;
}

/** What a run that failed knows about itself: enough for the step summary to say what failed. */
export interface FailureMarkdownInput {
  kind: ReportKind;
  configPaths: readonly string[];
  targets?: readonly number[];
  failure: ReportFailure;
}

/** The step-summary report of a run that failed before it had a plan: marker, heading, what failed. */
export function renderFailureMarkdown(input: FailureMarkdownInput, options: MarkdownOptions = {}): string {
  const plan = { changes: [], summary: { create: 0, update: 0, delete: 0, noop: 0 }, ...(input.targets === undefined ? {} : { targets: [...input.targets] }) };
  return renderReportMarkdown({ kind: input.kind, plan, configPaths: [...input.configPaths], failure: input.failure }, options);
}

interface Row {
  change: Change;
  critical: boolean;
  text: string;
}

interface Section {
  critical: boolean;
  detail: string;
  /** The folded JSON diff, built only when the whole report may fit (diffing thousands of changes is slow). */
  diff: () => string | null;
}

/** What a composition keeps; everything else is counted in the truncation note. */
interface Selection {
  criticalItems: number;
  criticalRows: boolean;
  ordinaryRows: number;
  sections: ReadonlySet<number>;
  diffs: boolean;
}

/**
 * Renders a plan, apply or drift report as GitHub-flavoured markdown: marker,
 * heading, summary line, the deletes and `isReady` changes named first, a
 * table of changes, per-change details (before → after, impacts, apply
 * results), webhook findings and folded JSON diffs.
 *
 * The result fits `options.budget`. When the full report does not, the JSON
 * diffs go first, then ordinary detail sections, then critical ones, then
 * ordinary table rows, then critical rows; the list of deletes and `isReady`
 * changes goes last (and when even that does not fit, its count stays). A
 * note says what was left out.
 */
export function renderReportMarkdown(report: PlanReport, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? MARKDOWN_BUDGET;
  const measure = options.measure ?? ((text: string) => text.length);

  const isChanged = (change: Change) => change.action !== 'no-op' || hasApplyError(report, change);
  const changed = report.plan.changes.filter(isChanged);
  const quiet = report.plan.changes.filter((change) => !isChanged(change));
  const quietAsRows = quiet.length <= QUIET_ROWS_MAX;
  const critical = changed.filter(isCritical);

  const head = headBlock(report);
  const items = critical.map((change) => criticalItem(change, report));
  const rows: Row[] = report.plan.changes
    .filter((change) => quietAsRows || isChanged(change))
    .map((change) => ({ change, critical: isCritical(change), text: tableRow(change, report) }));
  const quietLine = quietAsRows ? null : quietSummary(quiet);
  const sections: Section[] = [
    ...changed.map((change) => ({ critical: isCritical(change), detail: detailSection(change, report), diff: () => jsonDiff(change) })),
    ...webhookSections(report).map((detail) => ({ critical: false, detail, diff: () => null })),
  ];
  const ordinaryRowsTotal = rows.filter((row) => !row.critical).length;

  const compose = (selection: Selection, withNote: boolean): string => {
    const blocks = [head];
    if (items.length > 0) blocks.push(criticalBlock(report, items, selection.criticalItems));
    const shown = (row: Row) => (row.critical ? selection.criticalRows : ordinaryIndex(rows, row) < selection.ordinaryRows);
    if (rows.some(shown)) {
      blocks.push([tableHeader(report), ...tableBody(rows, shown, columnsOf(report).length)].join('\n'));
    } else if (rows.length > 0) {
      blocks.push(`_The table of ${rows.length} ${plural(rows.length, 'change')} is not shown._`);
    }
    if (quietLine !== null) blocks.push(quietLine);
    sections.forEach((section, index) => {
      if (!selection.sections.has(index)) return;
      const diff = selection.diffs ? section.diff() : null;
      blocks.push(diff === null ? section.detail : `${section.detail}\n\n${diff}`);
    });
    if (withNote) blocks.push(truncationNote(report, selection, { items: items.length, rows: rows.length, sections: sections.length, ordinaryRowsTotal }));
    return `${blocks.join('\n\n')}\n`;
  };

  const all = new Set(sections.map((_, index) => index));
  const everything: Selection = { criticalItems: items.length, criticalRows: true, ordinaryRows: ordinaryRowsTotal, sections: all, diffs: false };
  if (measure(compose(everything, false)) <= budget) {
    const full = compose({ ...everything, diffs: true }, false);
    if (measure(full) <= budget) return full;
  }

  const fits = (selection: Selection) => measure(compose(selection, true)) <= budget;
  const selection: Selection = { criticalItems: items.length, criticalRows: true, ordinaryRows: ordinaryRowsTotal, sections: new Set(), diffs: false };

  if (fits(selection)) {
    // Every row fits: add detail sections, critical ones first, while they fit.
    const limit = budget - NOTE_RESERVE;
    let size = measure(compose(selection, false));
    const chosen = new Set<number>();
    const order = [...sections.keys()].sort((a, b) => Number(sections[b]?.critical) - Number(sections[a]?.critical));
    for (const index of order) {
      const next = size + 2 + measure(sections[index]?.detail ?? '');
      if (next > limit) break;
      size = next;
      chosen.add(index);
    }
    // The reserve is an estimate: drop the last choices until the exact result fits.
    const picked = [...chosen];
    while (picked.length > 0 && !fits({ ...selection, sections: new Set(picked) })) picked.pop();
    return compose({ ...selection, sections: new Set(picked) }, true);
  }
  // Cut ordinary rows first, then critical rows, then critical list items.
  selection.ordinaryRows = largestFitting(ordinaryRowsTotal, (count) => fits({ ...selection, ordinaryRows: count }));
  if (selection.ordinaryRows === 0 && !fits(selection)) {
    selection.criticalRows = false;
    if (!fits(selection)) selection.criticalItems = largestFitting(items.length, (count) => fits({ ...selection, criticalItems: count }));
  }
  return compose(selection, true);
}

/** The largest count in [0, total] for which `fits` holds, assuming it holds for every smaller count (0 always taken). */
function largestFitting(total: number, fits: (count: number) => boolean): number {
  let low = 0;
  let high = total;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

const ordinaryIndexCache = new WeakMap<readonly Row[], Map<Row, number>>();

/** A row's position among the ordinary (non-critical) rows. */
function ordinaryIndex(rows: readonly Row[], row: Row): number {
  let index = ordinaryIndexCache.get(rows);
  if (index === undefined) {
    index = new Map();
    for (const candidate of rows) if (!candidate.critical) index.set(candidate, index.size);
    ordinaryIndexCache.set(rows, index);
  }
  return index.get(row) ?? 0;
}

function hasApplyError(report: PlanReport, change: Change): boolean {
  return report.kind === 'apply' && outcomeOf(report, change)?.error !== undefined;
}

function headBlock(report: PlanReport): string {
  const lines = [markdownMarker(report.kind, report.configPaths, report.plan.targets), heading(report), '', ...summaryLines(report)];
  const targets = report.plan.targets;
  if (targets !== undefined) {
    lines.push('', `> **Note:** ${partialRun(targets)} (\`--target\`).`);
  }
  if (report.failure !== undefined) lines.push('', ...failureBlock(report.failure));
  return lines.join('\n');
}

/** Lines of a failure message shown at most, and characters of each: stderr has the whole message. */
const FAILURE_LINES_MAX = 30;
const FAILURE_LINE_CHARS_MAX = 500;

/**
 * What failed, as a quote. The message quotes servers (an error body, a
 * webhook's answer) and may list one line per app, so it is shown
 * literally in a fence, where no link, mention or markup can come from it,
 * and bounded, so the report still fits its budget.
 */
function failureBlock({ message, correlationId, hint, details = [] }: ReportFailure): string[] {
  // Aggregated messages already name each correlationId, as on stderr.
  const id = correlationId === undefined || message.includes(correlationId) ? '' : ` (correlationId ${correlationId})`;
  const all = [...`${message}${id}`.split('\n'), ...details];
  const cut = (line: string) => (line.length > FAILURE_LINE_CHARS_MAX ? `${line.slice(0, FAILURE_LINE_CHARS_MAX)}…` : line);
  const lines: string[] = [];
  // One line stays a (wrapping) code span; a list of lines keeps its lines in a fence.
  if (all.length === 1) {
    lines.push(`> ❌ **error:** ${code(cut(message + id))}`);
  } else {
    const shown = all.slice(0, FAILURE_LINES_MAX).map((line) => cut(escapeControlCharacters(line)));
    if (all.length > shown.length) shown.push(`… and ${all.length - shown.length} more lines: the run's log has them all`);
    const fence = fenceFor(shown.join('\n'));
    lines.push('> ❌ **error:**', `> ${fence}text`, ...shown.map((line) => `> ${line}`), `> ${fence}`);
  }
  if (hint !== undefined) lines.push(`> Hint: ${escapeText(hint)}`);
  return lines;
}

function heading(report: PlanReport): string {
  const paths = report.configPaths.length === 0 ? [DEFAULT_CONFIG_FILE] : report.configPaths;
  const listed = paths.map((path) => code(path)).join(', ');
  const where = listed.length <= 200 ? listed : `${paths.length} config ${plural(paths.length, 'path')}`;
  return `### hscc ${report.kind}: ${where}`;
}

function summaryLines(report: PlanReport): string[] {
  const changes = report.plan.changes.filter((change) => change.action !== 'no-op');
  if (report.failure !== undefined && report.plan.changes.length === 0) return [`**hscc ${report.kind} failed.**`];
  if (report.kind === 'plan') {
    if (changes.length === 0) return [`**${NO_CHANGES}**`];
    const { create, update, delete: remove } = report.plan.summary;
    return [`**Plan: ${create} to create, ${update} to update, ${remove} to delete.**`];
  }
  if (report.kind === 'apply') {
    if (changes.length === 0) return [`**${NO_CHANGES}**`];
    const tally = tallyApply(report);
    const applied = tally.created + tally.updated + tally.deleted;
    const already = tally.already > 0 ? `, ${tally.already} already as planned` : '';
    const notAttempted = tally.notAttempted > 0 ? `, ${tally.notAttempted} not attempted` : '';
    const counts = `${applied} applied${already}, ${tally.failed} failed${notAttempted}`;
    if (tally.failed === 0 && tally.notAttempted === 0) return [`**Apply complete! ${counts}.**`];
    const verb = report.interrupted === true ? 'Apply interrupted' : 'Apply failed';
    const next = NEXT_STEP[applyNextStep(report, tally)];
    return [`**${verb}: ${counts}.**${next}`];
  }
  const apps = driftedApps(report);
  const unchecked = appsWithFailedProbes(report);
  if (apps.length === 0 && unchecked.length > 0) {
    return [`**No settings drift, but ${uncheckedWebhooks(unchecked)}.**`];
  }
  if (apps.length === 0) {
    const probed = report.webhooks === undefined ? '' : ' Every probed webhook answers the declared numbers.';
    return [`**No drift. Remote settings match the configuration.**${probed}`];
  }
  const parts = [`${changes.length} ${plural(changes.length, 'resource')} with settings drift`];
  if (report.webhooks !== undefined) {
    const webhookApps = [...report.webhooks.keys()].filter((appId) => webhookTroubleOf(report, appId).length > 0).length;
    parts.push(`${webhookApps} ${plural(webhookApps, 'app')} whose webhook differs or fails`);
  }
  return [`**Drift detected in ${apps.length} ${plural(apps.length, 'app')}:** ${parts.join(', ')}.`];
}

/** The block a reviewer reads first: every delete and `isReady` flip, by name. */
function criticalBlock(report: PlanReport, items: readonly string[], shown: number): string {
  const deletes = report.plan.changes.filter((change) => change.action === 'delete').length;
  const flips = items.length - deletes;
  // Drift speaks of the present: what HubSpot has against what the config declares.
  const drift = report.kind === 'drift';
  const deleteNoun = drift ? (n: number) => `${plural(n, 'resource')} HubSpot has but the config declares absent` : (n: number) => plural(n, 'delete');
  const flipNoun = drift ? 'difference' : 'change';
  const counts = [deletes > 0 ? `${deletes} ${deleteNoun(deletes)}` : '', flips > 0 ? `${flips} \`${READINESS_FIELD}\` ${plural(flips, flipNoun)}` : '']
    .filter((part) => part !== '')
    .join(', ');
  const title = drift ? `#### ⚠️ Check first: ${counts}` : `#### ⚠️ Review first: ${counts}`;
  const lines = [title, '', ...items.slice(0, shown)];
  const hidden = items.length - shown;
  // Named for what the list holds: "isReady changes" alone when nothing is deleted.
  const what = deletes === 0 ? plural(hidden, '`isReady` change') : flips === 0 ? plural(hidden, 'delete') : plural(hidden, 'delete or `isReady` change', 'deletes and `isReady` changes');
  if (hidden > 0) lines.push(`- _…and ${hidden} more ${what} not shown: see the JSON output._`);
  return lines.join('\n');
}

function criticalItem(change: Change, report: PlanReport): string {
  const subject = `**app ${change.appId}** \`${change.resource}\``;
  const warning = change.impacts.find((impact) => impact.warning);
  const why = warning === undefined ? '' : `: ${escapeText(warning.message)}`;
  const result = report.kind === 'apply' ? ` (${RESULT_LABEL[outcomeState(report, change)]})` : '';
  if (change.action === 'delete') {
    const label = report.kind === 'drift' ? '🗑️ **HubSpot has it; the config declares it absent**' : '🗑️ **delete**';
    return `- ${subject} ${label}${why}${result}`;
  }
  const flip = readinessFlip(change);
  let direction = `\`${READINESS_FIELD}\` \`${describeReadiness(flip?.before)} → ${describeReadiness(flip?.after)}\``;
  if (report.kind === 'drift') {
    const declared = `the config declares \`${READINESS_FIELD} = ${describeReadiness(flip?.after)}\``;
    direction = change.action === 'create' ? `HubSpot has none; ${declared}` : `HubSpot has \`${READINESS_FIELD} = ${describeReadiness(flip?.before)}\`; the config declares \`${describeReadiness(flip?.after)}\``;
  }
  return `- ${subject} ${direction}${why}${result}`;
}

function describeReadiness(value: boolean | undefined): string {
  return value === undefined ? 'absent' : String(value);
}

/**
 * The rows `shown` picks, in plan order; where rows were cut, one row says
 * how many, so a reviewer sees the gap where it is.
 */
function tableBody(rows: readonly Row[], shown: (row: Row) => boolean, columns: number): string[] {
  const lines: string[] = [];
  let hidden = 0;
  const flush = () => {
    if (hidden === 0) return;
    lines.push(`| … | _${hidden} more ${plural(hidden, 'row')} not shown_ |${' |'.repeat(columns - 2)}`);
    hidden = 0;
  };
  for (const row of rows) {
    if (!shown(row)) {
      hidden += 1;
      continue;
    }
    flush();
    lines.push(row.text);
  }
  flush();
  return lines;
}

function columnsOf(report: PlanReport): string[] {
  const names = ['App', 'Resource', 'API version', report.kind === 'drift' ? 'Drift' : 'Action', 'Changed fields'];
  if (report.kind === 'apply') names.push('Result');
  return names;
}

function tableHeader(report: PlanReport): string {
  const names = columnsOf(report);
  return `| ${names.join(' | ')} |\n|${names.map(() => '---').join('|')}|`;
}

function tableRow(change: Change, report: PlanReport): string {
  const warn = change.impacts.some((impact) => impact.warning) ? ' ⚠️' : '';
  const label = report.kind === 'drift' ? DRIFT_LABEL[change.action] : ACTION_LABEL[change.action];
  const fields = changedFieldsCell(change);
  const cells = [String(change.appId), `\`${change.resource}\``, change.apiVersion, `${label}${warn}`, fields];
  if (report.kind === 'apply') cells.push(change.action === 'no-op' && !hasApplyError(report, change) ? '—' : RESULT_LABEL[outcomeState(report, change)]);
  return `| ${cells.join(' | ')} |`;
}

/** Creates and deletes touch every field: say so in a few characters; the details list them. */
function changedFieldsCell(change: Change): string {
  if (change.changedFields.length === 0) return '—';
  const all = fieldNamesOf(change).length;
  if ((change.action === 'create' || change.action === 'delete') && all > 1) return `all ${all} fields`;
  return change.changedFields.map((field) => `\`${field}\``).join(', ');
}

function quietSummary(quiet: readonly Change[]): string {
  const apps = [...new Set(quiet.map((change) => change.appId))];
  return `**${quiet.length} unchanged ${plural(quiet.length, 'resource')}** (no-op) in ${plural(apps.length, 'app')} ${listIds(apps, QUIET_IDS_LISTED)}.`;
}

const SECTION_ICON: Record<Action, string> = { create: '➕', update: '✏️', delete: '🗑️', 'no-op': '' };
const DRIFT_WORDS: Record<Action, string> = { create: 'missing in HubSpot', update: 'differs', delete: 'declared absent', 'no-op': 'in sync' };

function detailSection(change: Change, report: PlanReport): string {
  const icon = SECTION_ICON[change.action];
  const what = report.kind === 'drift' ? DRIFT_WORDS[change.action] : change.action;
  const blocks = [`#### ${icon === '' ? '' : `${icon} `}App ${change.appId} · \`${change.resource}\` · ${what} (${change.apiVersion})`];
  const fieldLines = report.kind === 'drift' ? driftFieldLines(change) : planFieldLines(change);
  if (fieldLines.length > 0) blocks.push(fieldLines.join('\n'));
  if (change.impacts.length > 0) blocks.push(change.impacts.map(impactLine).join('\n>\n'));
  if (report.kind === 'apply') blocks.push(outcomeLine(change, report));
  return blocks.join('\n\n');
}

function impactLine(impact: Impact): string {
  return `> ${impact.warning ? '⚠️' : 'ℹ️'} ${escapeText(impact.message)}`;
}

function planFieldLines(change: Change): string[] {
  return orderedChangedFields(change).map((field) => `- \`${field}\`: ${fieldValue(change.before, field)} → ${fieldValue(change.after, field)}`);
}

/** Drift reads as the present: HubSpot has this; the config declares that. */
function driftFieldLines(change: Change): string[] {
  if (change.action === 'create') return ['- HubSpot has none; the config declares them.'];
  if (change.action === 'delete') return ['- HubSpot has them; the config declares them absent.'];
  return orderedChangedFields(change).map(
    (field) => `- HubSpot has ${code(`${field} = ${plainValue(change.before?.[field])}`)}; the config declares ${fieldValue(change.after, field)}`,
  );
}

function orderedChangedFields(change: Change): string[] {
  return fieldNamesOf(change).filter((field) => change.changedFields.includes(field));
}

function plainValue(value: FieldValue | undefined): string {
  return value === undefined ? '(absent)' : String(value);
}

function fieldValue(fields: Fields | null, field: string): string {
  const value = fields?.[field];
  if (value === undefined) return '_(none)_';
  return literal(String(value));
}

/** The sentence after an unfinished apply's counts, per next step. */
const NEXT_STEP: Readonly<Record<ApplyNextStep, string>> = {
  rerun: ' Run apply again to converge.',
  'fix-then-rerun': ' A rerun will not fix every error: fix them, then plan again.',
  fix: ' A rerun will not fix every error: fix them, then plan again.',
  replan: ' Its own writes made the saved plan stale: plan again, review it, and apply the new plan.',
};

/**
 * A value as a code span, where GitHub adds no link, @mention or #reference.
 * Between two right-to-left values the neutral arrow joins them into one
 * right-to-left run, which shows `new → old`: an isolate keeps each apart.
 */
function literal(text: string): string {
  return RIGHT_TO_LEFT.test(text) ? `<span dir="auto">${code(text)}</span>` : code(text);
}

/** A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko, …). */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

function outcomeLine(change: Change, report: PlanReport): string {
  const state = outcomeState(report, change);
  const outcome = outcomeOf(report, change);
  if (state === 'applied') return `**Result:** ✓ applied (${change.action})`;
  if (state === 'already') return `**Result:** = ${escapeText(outcome?.note ?? 'already as planned')}`;
  const error = outcome?.error;
  const hint = error?.hint === undefined ? '' : ` Hint: ${escapeText(error.hint)}`;
  if (state === 'not-attempted') return `**Result:** ⏸ ${escapeText(error?.message ?? NOT_ATTEMPTED_INTERRUPTED)}${hint}`;
  if (error === undefined) return '**Result:** ✗ not applied';
  const id = error.correlationId === undefined ? '' : ` (correlationId ${code(error.correlationId)})`;
  // The message quotes HubSpot's answer: literal, so it adds no link, mention or markup.
  return `**Result:** ✗ failed: ${code(error.message)}${id}${hint}`;
}

/** One section per app whose live webhook differs or failed: what it answers now, against the config. */
function webhookSections(report: PlanReport): string[] {
  if (report.webhooks === undefined) return [];
  const appIds = [...report.webhooks.keys()].sort((a, b) => a - b);
  return appIds.flatMap((appId) => {
    const trouble = webhookTroubleOf(report, appId);
    if (trouble.length === 0) return [];
    return [[`#### App ${appId} · webhook`, ...trouble.map(webhookDetail)].join('\n\n')];
  });
}

function webhookDetail(finding: WebhookFinding): string {
  const where = `**${webhookLevel(finding)}** ${code(finding.url)}`;
  // The error quotes the webhook's answer: literal, as a failed run's error.
  if (finding.status === 'error') return `${where}: ✗ error: ${code(finding.error ?? 'the probe failed')}`;
  const items = [
    ...finding.missing.map((number) => `- the webhook does not answer ${numberLabel(number)}; the config declares it`),
    ...finding.unexpected.map((number) => `- the webhook answers ${numberLabel(number)}; the config does not declare it`),
    ...finding.changedFriendlyName.map((changed) => {
      const extension = changed.extension === undefined ? '' : ` ext. ${code(changed.extension)}`;
      return `- the webhook answers ${code(changed.e164PhoneNumber)}${extension} as ${literal(changed.actual)}; the config declares ${literal(changed.expected)}`;
    }),
  ];
  // A webhook answering thousands of other numbers would take the whole comment (and be cut away whole): the first ones say enough.
  const shown = items.slice(0, NUMBERS_SHOWN_MAX);
  if (items.length > shown.length) shown.push(`- … and ${items.length - shown.length} more: \`hscc drift --probe --json\` lists them all`);
  return [`${where} answers other numbers than the config declares:`, '', ...shown].join('\n');
}

/** Numbers listed per webhook level in markdown. */
const NUMBERS_SHOWN_MAX = 30;

function numberLabel(number: WebhookNumber): string {
  const extension = number.extension === undefined ? '' : ` ext. ${code(number.extension)}`;
  return `${code(number.e164PhoneNumber)}${extension} ${literal(number.friendlyName)}`;
}

/** Unified diff of the 2-space JSON before → after, folded; null for a no-op. */
function jsonDiff(change: Change): string | null {
  if (change.action === 'no-op') return null;
  const base = `app-${change.appId}/${change.resource}`;
  const patch = createTwoFilesPatch(`${base}/remote.json`, `${base}/config.json`, fieldsJson(change, change.before), fieldsJson(change, change.after), undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
  const fence = fenceFor(patch);
  return ['<details><summary>JSON diff</summary>', '', `${fence}diff`, patch.trimEnd(), fence, '', '</details>'].join('\n');
}

/** Fields in descriptor order; absent as an empty file, so a create is all additions. */
function fieldsJson(change: Change, fields: Fields | null): string {
  if (fields === null) return '';
  const ordered: Record<string, FieldValue> = {};
  for (const name of fieldNamesOf(change)) {
    const value = fields[name];
    if (value !== undefined) ordered[name] = value;
  }
  return `${escapeJsonControls(JSON.stringify(ordered, null, 2))}\n`;
}

function truncationNote(
  report: PlanReport,
  selection: Selection,
  totals: { items: number; rows: number; sections: number; ordinaryRowsTotal: number },
): string {
  const parts: string[] = [];
  if (!selection.diffs) parts.push('JSON diffs omitted');
  if (selection.sections.size < totals.sections) parts.push(`details shown for ${selection.sections.size} of ${totals.sections} changes`);
  const rowsShown = (selection.criticalRows ? totals.rows - totals.ordinaryRowsTotal : 0) + selection.ordinaryRows;
  if (rowsShown < totals.rows) parts.push(`table shows ${rowsShown} of ${totals.rows} rows${selection.criticalRows ? ', every delete and isReady change included' : ''}`);
  if (selection.criticalItems < totals.items) parts.push(`${totals.items - selection.criticalItems} of ${totals.items} deletes and isReady changes not named`);
  return (
    `> **Truncated** to fit the size limit: ${parts.join('; ')}. ` +
    `See the CI log or the JSON output (\`hscc ${report.kind} --json\`) for the full report.`
  );
}

/**
 * A code span holding `text` verbatim (only newlines become spaces). Not for
 * table cells: user text never goes in one, so pipes need no escape here.
 */
function code(text: string): string {
  // A line break shows as \n: folded to a space, "a\nb" and "a b" would read the same.
  const body = escapeControlCharacters(text);
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longestRun + 1);
  // A space on both sides keeps a leading or trailing backtick from joining the fence; CommonMark strips it.
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Plain text with markdown, HTML, table syntax and autolinks neutralised. */
function escapeText(text: string): string {
  return (
    escapeControlCharacters(text.replace(/[\r\n]+/g, ' '))
      // Backslash escapes first, so the entities below keep their `#`.
      .replace(/[\\*_[\]~#!]/g, (char) => `\\${char}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\|/g, '&#124;')
      .replace(/`/g, '&#96;')
      // GitHub links bare `https://…` and `www.…`: a server's text must not add a link to hscc's words.
      .replace(/:\/\//g, '&#58;//')
      .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}&#46;`)
  );
}

/** `<`, `>` and `--` cannot appear inside an HTML comment; `%` is encoded too so the mapping stays one-to-one. */
function escapeForComment(text: string): string {
  const escaped = text
    .replace(/%/g, '%25')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/-(?=-)/g, '%2D')
    .replace(/\s/g, (char) => encodeURIComponent(char));
  return percentEncodeControls(escaped);
}

/** A code fence longer than any backtick run in the content. */
function fenceFor(content: string): string {
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}
