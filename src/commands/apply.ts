import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyPlan } from '../apply/apply-plan.js';
import { findStaleApps, parseSavedPlan } from '../apply/saved-plan.js';
import { UserError } from '../errors.js';
import type { ChannelConnectionClient } from '../hubspot/types.js';
import { isEmptyPlan } from '../plan/build-plan.js';
import type { Plan, PlanReport } from '../plan/model.js';
import { createProgress } from '../remote/progress.js';
import { createPalette } from '../render/palette.js';
import { renderPlanText } from '../render/text.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { VERSION } from '../generated/version.js';
import type { ApplyOptions } from './options.js';
import { connect, emitReport, planFromConfig, readRemote, targetsOf } from './remote-context.js';

const CONFIRM = [
  '',
  'Do you want to perform these actions?',
  '  hscc will perform the actions described above.',
  "  Only 'yes' will be accepted to approve.",
  '',
  '  Enter a value: ',
].join('\n');

/** A saved plan is JSON with a formatVersion; config files are YAML documents. */
async function readSavedPlanCandidate(options: ApplyOptions, runtime: Runtime): Promise<string | undefined> {
  if (options.paths.length !== 1) return undefined;
  const path = options.paths[0] as string;
  // A YAML path is config: don't read it twice just to rule out a plan file.
  if (/\.ya?ml$/i.test(path)) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(runtime.cwd, path), 'utf8');
  } catch {
    return undefined; // not a readable file: let config loading report it (it may be a glob)
  }
  const looksLikeJson = text.trimStart().startsWith('{');
  if (path.endsWith('.json') || (looksLikeJson && text.includes('"formatVersion"'))) return text;
  return undefined;
}

/** `hscc apply`: from config (shows the plan, asks) or exactly a saved plan file. */
export async function runApply(options: ApplyOptions, runtime: Runtime): Promise<CommandResult> {
  const savedText = await readSavedPlanCandidate(options, runtime);
  if (savedText !== undefined) return applySavedPlan(options.paths[0] as string, savedText, options, runtime);

  const { loaded, client, plan } = await planFromConfig(options, runtime);
  const configPaths = loaded.files;

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
    if (!(await runtime.confirm(CONFIRM))) throw new UserError('Apply cancelled; nothing was changed.');
    runtime.stdout.write('\n');
  }
  return execute(plan, configPaths, client, options, runtime);
}

async function applySavedPlan(file: string, text: string, options: ApplyOptions, runtime: Runtime): Promise<CommandResult> {
  const saved = parseSavedPlan(text, file, VERSION);
  const targets = targetsOf(saved.plan.changes);
  const client = connect(options, targets, runtime);
  const remote = await readRemote(targets, client, { ...options, quiet: options.format !== 'text' }, runtime);
  const stale = findStaleApps(saved.observed, remote);
  if (stale.length > 0) {
    const lines = stale.map((app) => `  app ${app.appId}: ${app.reason}`);
    throw new UserError(
      `the saved plan ${file} is stale: remote settings changed since it was made, so nothing was applied.\n${lines.join('\n')}`,
      { hint: 'Run `hscc plan --out FILE` again, review it, and apply the new plan.' },
    );
  }
  return execute(saved.plan, saved.configPaths, client, options, runtime);
}

async function execute(
  plan: Plan,
  configPaths: string[],
  client: ChannelConnectionClient,
  options: ApplyOptions,
  runtime: Runtime,
): Promise<CommandResult> {
  const pending = plan.changes.filter((change) => change.action !== 'no-op').length;
  const progress = createProgress(runtime.stderr, 'Applying', pending, options.format === 'text');
  const outcomes = await applyPlan(plan, client, { parallelism: options.parallelism, onSettled: progress.tick });
  progress.done();
  const report: PlanReport = { kind: 'apply', plan, configPaths, outcomes };
  emitReport(report, options.format, runtime);
  const failed = plan.changes.some((change) => change.action !== 'no-op' && outcomes.get(change.appId)?.applied !== true);
  return { exitCode: failed ? 1 : 0 };
}
