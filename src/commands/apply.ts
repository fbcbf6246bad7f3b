import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyPlan, differsFromPlanned } from '../apply/apply-plan.js';
import { findStaleResources, isAlreadyApplied, observedOf, parseSavedPlan, sameObservation, type SavedPlan } from '../apply/saved-plan.js';
import { hashInputs } from '../config/input-hash.js';
import { UserError } from '../errors.js';
import type { SettingsClient } from '../hubspot/types.js';
import { isEmptyPlan } from '../plan/build-plan.js';
import { changeKey, NOT_ATTEMPTED_INTERRUPTED, type Change, type ChangeKey, type ChangeOutcome, type Plan, type PlanReport } from '../plan/model.js';
import { createProgress } from '../remote/progress.js';
import { createPalette } from '../render/palette.js';
import { renderPlanText } from '../render/text.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { VERSION } from '../generated/version.js';
import { readConfigForCommand } from './config-input.js';
import type { ApplyOptions } from './options.js';
import { beforeWrites, watchInterrupts, type InterruptWatch } from './interrupts.js';
import { connect, emitReport, planFromConfig, readRemote, withFailureSummary, type ReportSubject } from './remote-context.js';

const CONFIRM = [
  '',
  'Do you want to perform these actions?',
  '  hscc will perform the actions described above.',
  "  Only 'yes' will be accepted to approve.",
  '',
  '  Enter a value: ',
].join('\n');

/** Said on the terminal when stdout, which holds the plan and the question, is not it. */
const PROMPT_ELSEWHERE =
  'hscc is asking whether to apply the plan it wrote to stdout, which is not this terminal: read it there first; only yes applies it, anything else cancels.\n';

const CANCELLED = 'Apply cancelled; nothing was changed.';
const INTERRUPTED_BEFORE_WRITES = 'Apply interrupted before any write; nothing was changed.';

/** A saved plan is JSON that opens with its formatVersion (as `plan --out` writes it); config files are YAML documents. */
async function readSavedPlanCandidate(path: string, runtime: Runtime): Promise<string | undefined> {
  const file = resolve(runtime.cwd, path);
  try {
    // A YAML path is config unless it opens as a saved plan (`plan --out plan.yaml`): only its start is read twice.
    if (/\.ya?ml$/i.test(path) && !SAVED_PLAN_START.test(await readStart(file))) return undefined;
    const text = await readFile(file, 'utf8');
    const looksLikeJson = text.trimStart().startsWith('{');
    if (path.endsWith('.json') || (looksLikeJson && text.includes('"formatVersion"'))) return text;
  } catch {
    // Not a readable file: config loading reports it (it may be a glob).
  }
  return undefined;
}

const SAVED_PLAN_START = /^\s*\{\s*"formatVersion"/;

async function readStart(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `hscc apply`: from config (shows the plan, asks) or exactly a saved plan file. */
export async function runApply(options: ApplyOptions, runtime: Runtime): Promise<CommandResult> {
  const interrupt = watchInterrupts(runtime);
  try {
    return await withFailureSummary('apply', options, runtime, (about) => applyWatched(options, runtime, about, interrupt));
  } finally {
    interrupt.stop();
  }
}

async function applyWatched(options: ApplyOptions, runtime: Runtime, about: (subject: ReportSubject) => void, interrupt: InterruptWatch): Promise<CommandResult> {
  const candidates = await Promise.all(options.paths.map((path) => readSavedPlanCandidate(path, runtime)));
  const planIndex = candidates.findIndex((text) => text !== undefined);
  if (planIndex >= 0) {
    if (options.paths.length > 1) {
      throw new UserError(`${options.paths[planIndex]} is a saved plan; a plan file cannot be mixed with config paths.`, {
        hint: 'Run `hscc apply PLANFILE` alone (add `--config PATH…` to check it against the config), or `hscc apply PATHS…` without a plan.',
      });
    }
    if (options.targets.length > 0) throw new UserError('--target cannot be used with a saved plan: a saved plan is applied whole.');
    return applySavedPlan(options.paths[planIndex] as string, candidates[planIndex] as string, options, runtime, about, interrupt);
  }
  if (options.config.length > 0) {
    throw new UserError('--config only goes with a saved plan file: `hscc apply PLANFILE --config PATH…`.');
  }

  const { client, plan } = await beforeWrites(planFromConfig({ ...options, signal: interrupt.signal }, runtime), interrupt, INTERRUPTED_BEFORE_WRITES);
  const configPaths = options.paths;
  if (isEmptyPlan(plan)) {
    emitReport({ kind: 'apply', plan, configPaths, outcomes: new Map() }, options.format, runtime);
    return { exitCode: 0 };
  }
  if (options.format === 'text') runtime.stdout.write(renderPlanText({ kind: 'plan', plan, configPaths }, createPalette(runtime.stdout.color)));

  if (!options.autoApprove) {
    if (!runtime.stdinIsTTY || options.format !== 'text') {
      throw new UserError('apply needs --auto-approve when it cannot ask for confirmation (no terminal, or --json / --format); nothing was changed.', {
        hint: 'Review the plan with `hscc plan`, then run `hscc apply --auto-approve`, or save it with `hscc plan --out FILE` and run `hscc apply FILE`.',
      });
    }
    // `apply > plan.txt` at a terminal: the plan and the question went to the file, so say where they are.
    if (!runtime.stdout.isTTY) runtime.stderr.write(PROMPT_ELSEWHERE);
    // A signal at the prompt is Ctrl-C there, whether the terminal or `kill` sent it; the error starts on a line of its own.
    const approved = await beforeWrites(runtime.confirm(CONFIRM), interrupt, CANCELLED, () => runtime.stderr.write('\n'));
    if (!approved) throw new UserError(CANCELLED);
    runtime.stdout.write('\n');
  }
  // The prompt may have waited long: each write re-reads its resource first.
  return execute(plan, { configPaths, savedPlan: false }, client, options, runtime, differsFromPlanned, interrupt);
}

async function applySavedPlan(
  file: string,
  text: string,
  options: ApplyOptions,
  runtime: Runtime,
  about: (subject: ReportSubject) => void,
  interrupt: InterruptWatch,
): Promise<CommandResult> {
  const saved = parseSavedPlan(text, file, VERSION);
  // Its report, success or failure, is about the plan's config paths and targets.
  about({ paths: saved.configPaths, targets: saved.plan.targets ?? [] });
  if (options.config.length > 0) await assertMatchesConfig(saved, file, options, runtime);
  const targets = saved.plan.changes.map((change) => ({ appId: change.appId, resource: change.resource, apiVersion: change.apiVersion, auth: change.auth }));
  const client = connect({ ...options, signal: interrupt.signal }, targets, runtime);
  const remote = await beforeWrites(readRemote(targets, client, { ...options, quiet: options.format !== 'text', signal: interrupt.signal }, runtime), interrupt, INTERRUPTED_BEFORE_WRITES);
  const stale = findStaleResources(saved.plan, saved.observed, remote);
  if (stale.length > 0) {
    if (isAlreadyApplied(saved.plan, remote)) {
      throw new UserError(`the saved plan ${file} was already applied: remote settings already equal its result, so nothing was applied.`, {
        hint: 'Run `hscc plan` to check for further changes.',
      });
    }
    const lines = stale.map((entry) => `  app ${entry.appId} ${entry.resource}: ${entry.reason}`);
    throw new UserError(`the saved plan ${file} is stale: remote settings changed since it was made, so nothing was applied.\n${lines.join('\n')}`, {
      hint: 'Run `hscc plan --out FILE` again, review it, and apply the new plan.',
    });
  }
  const recorded = saved.observed;
  // Re-read just before each write: presence, managed fields and updatedAt must still be as planned.
  const checkCurrent = (change: Change, current: Parameters<typeof observedOf>[1]): string | undefined => {
    const then = recorded.get(changeKey(change));
    return then !== undefined && sameObservation(then, observedOf(change, current)) ? undefined : 'it changed since the plan was made';
  };
  return execute(saved.plan, { configPaths: saved.configPaths, savedPlan: true }, client, options, runtime, checkCurrent, interrupt);
}

/** `--config PATH…`: the plan must have been made from exactly these inputs, resolved now. */
async function assertMatchesConfig(saved: SavedPlan, file: string, options: ApplyOptions, runtime: Runtime): Promise<void> {
  const loaded = await readConfigForCommand({ paths: options.config, strict: options.strict }, runtime);
  if (hashInputs(loaded.apps) !== saved.inputHash) {
    throw new UserError(
      `the saved plan ${file} was not made from the configuration in ${options.config.join(' ')} as it is now, so nothing was applied.`,
      { hint: 'The config changed after the plan was reviewed: run `hscc plan --out FILE` on this commit, review it, and apply that plan.' },
    );
  }
}

async function execute(
  plan: Plan,
  subject: { configPaths: string[]; savedPlan: boolean },
  client: SettingsClient,
  options: ApplyOptions,
  runtime: Runtime,
  checkCurrent: (change: Change, current: Parameters<typeof differsFromPlanned>[1]) => string | undefined,
  interrupt: InterruptWatch,
): Promise<CommandResult> {
  const pending = plan.changes.filter((change) => change.action !== 'no-op');
  const progress = createProgress(runtime.stderr, 'Applying', pending.length, options.format === 'text', () => runtime.now());
  const unsubscribe = client.onWait?.((wait) => progress.waiting(wait.ms, wait.reason));
  // The interrupt's notice must not land on the progress line.
  interrupt.signal.addEventListener('abort', progress.done, { once: true });
  interrupt.writing();
  const started = new Set<ChangeKey>();
  const settled = new Map<ChangeKey, ChangeOutcome>();
  const run = applyPlan(plan, client, {
    parallelism: options.parallelism,
    mayStart: () => !interrupt.signal.aborted,
    checkCurrent,
    onStart: (change) => started.add(changeKey(change)),
    onOutcome: (change, outcome) => settled.set(changeKey(change), outcome),
    onSettled: progress.tick,
  });
  let outcomes: Map<ChangeKey, ChangeOutcome>;
  let abandoned = false;
  try {
    const finished = await Promise.race([run.then((result) => ({ result })), interrupt.abandoned.then(() => undefined)]);
    if (finished === undefined) {
      abandoned = true;
      outcomes = abandonedOutcomes(plan, started, settled);
    } else {
      outcomes = finished.result;
    }
  } finally {
    unsubscribe?.();
    interrupt.signal.removeEventListener('abort', progress.done);
    progress.done();
  }
  const report: PlanReport = { kind: 'apply', plan, configPaths: subject.configPaths, outcomes };
  if (interrupt.signal.aborted) report.interrupted = true;
  if (subject.savedPlan) report.savedPlan = true;
  emitReport(report, options.format, runtime);
  const failed = pending.some((change) => outcomes.get(changeKey(change))?.error !== undefined);
  const exitCode = failed || interrupt.signal.aborted ? 1 : 0;
  return abandoned ? { exitCode, exitNow: true } : { exitCode };
}

/** Outcomes once in-flight writes were abandoned: finished ones as they ended, the rest said plainly. */
function abandonedOutcomes(plan: Plan, started: ReadonlySet<ChangeKey>, settled: ReadonlyMap<ChangeKey, ChangeOutcome>): Map<ChangeKey, ChangeOutcome> {
  const outcomes = new Map<ChangeKey, ChangeOutcome>();
  for (const change of plan.changes) {
    const key = changeKey(change);
    const known = settled.get(key);
    if (change.action === 'no-op') outcomes.set(key, { applied: false });
    else if (known !== undefined) outcomes.set(key, known);
    else if (started.has(key)) {
      outcomes.set(key, {
        applied: false,
        error: { message: 'interrupted while in flight: HubSpot may or may not have applied it; run `hscc plan` to see', rerunnable: true },
      });
    } else outcomes.set(key, { applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } });
  }
  return outcomes;
}
