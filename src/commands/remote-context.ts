// What plan, apply and drift share: choosing apps, connecting with checked
// credentials, reading remote state, and printing a report in the chosen view.
import type { AppConfig, LoadedConfig } from '../config/model.js';
import { failureOf, isUserError, UserError } from '../errors.js';
import { createHubSpotClient } from '../hubspot/client.js';
import { assertCredentials, resolveBaseUrl } from '../hubspot/credentials.js';
import { HubSpotError } from '../hubspot/errors.js';
import type { RemoteResource, ResourceTarget, SettingsClient } from '../hubspot/types.js';
import { buildPlan, managedResourcesOf, planTargets, type ImpactTense } from '../plan/build-plan.js';
import { changeKey, type ChangeKey, type Plan, type PlanReport, type ReportKind } from '../plan/model.js';
import { observeResources } from '../remote/observe.js';
import { createProgress } from '../remote/progress.js';
import { renderJson, toPlanJson } from '../render/json.js';
import { renderReportMarkdown } from '../render/markdown.js';
import { createPalette } from '../render/palette.js';
import { appendReportToStepSummary } from '../render/step-summary.js';
import { renderApplyText, renderPlanText } from '../render/text.js';
import { listIds, plural } from '../render/view-model.js';
import type { Runtime } from '../runtime/runtime.js';
import { readConfigForCommand } from './config-input.js';
import type { ConfigInputOptions, FleetOptions, GlobalOptions, OutputFormat } from './options.js';

interface SelectedApps {
  loaded: LoadedConfig;
  apps: AppConfig[];
}

/** Loads the config and keeps the `--target` apps; an unknown target is an error. */
async function selectApps(options: ConfigInputOptions & FleetOptions, runtime: Runtime): Promise<SelectedApps> {
  const loaded = await readConfigForCommand(options, runtime);
  return { loaded, apps: selectTargets(loaded.apps, options.targets) };
}

/** The `--target` apps (every app when there is none); a target the config does not declare is an error. */
export function selectTargets(apps: readonly AppConfig[], targets: readonly number[]): AppConfig[] {
  if (targets.length === 0) return [...apps];
  const declared = new Set(apps.map((app) => app.appId));
  const unknown = targets.filter((appId) => !declared.has(appId));
  if (unknown.length > 0) {
    throw new UserError(`--target names app${unknown.length === 1 ? '' : 's'} not declared in the configuration: ${unknown.join(', ')}.`, {
      hint: `Declared apps: ${[...declared].join(', ') || 'none'}.`,
    });
  }
  const wanted = new Set(targets);
  return apps.filter((app) => wanted.has(app.appId));
}

/** One target per managed resource of every app, in plan order. */
export function resourceTargetsOf(apps: readonly AppConfig[]): ResourceTarget[] {
  return apps.flatMap((app) =>
    managedResourcesOf(app).map(({ resource }) => ({ appId: app.appId, apiVersion: app.apiVersion, auth: app.auth, resource: resource.name })),
  );
}

/** Checks every credential the targets need before the first request, then builds the client. */
export function connect(options: GlobalOptions & { signal?: AbortSignal | undefined }, targets: readonly ResourceTarget[], runtime: Runtime): SettingsClient {
  assertCredentials(targets, runtime.env);
  return createHubSpotClient({
    baseUrl: resolveBaseUrl(options.baseUrl, runtime.env),
    env: runtime.env,
    timeoutMs: options.timeoutMs,
    sleep: (ms, signal) => runtime.sleep(ms, signal),
    random: () => runtime.random(),
    now: () => runtime.now(),
    ...(options.signal === undefined ? {} : { interrupted: options.signal }),
  });
}

/**
 * Reads every target (GET only). Any failed read fails the run: a plan
 * built on partial state would be wrong.
 */
export async function readRemote(
  targets: readonly ResourceTarget[],
  client: SettingsClient,
  options: FleetOptions & { quiet: boolean; signal?: AbortSignal | undefined },
  runtime: Runtime,
): Promise<Map<ChangeKey, RemoteResource | null>> {
  const progress = createProgress(runtime.stderr, 'Reading remote settings', targets.length, !options.quiet, () => runtime.now());
  // An interrupt (apply) ends the run now: its message must not land after the progress line.
  options.signal?.addEventListener('abort', progress.done, { once: true });
  const unsubscribe = client.onWait?.((wait) => progress.waiting(wait.ms, wait.reason));
  const observations = await observeResources(targets, client, { parallelism: options.parallelism, onSettled: progress.tick, signal: options.signal });
  unsubscribe?.();
  options.signal?.removeEventListener('abort', progress.done);
  progress.done();
  const failures: Error[] = [];
  const lines: string[] = [];
  // Calls the client never sent (the host had stopped answering, the
  // credential was refused) read as one line per reason, not one per app.
  const skipped = new Map<string, { calls: number; apps: Set<number> }>();
  for (const o of observations) {
    if (o.ok) continue;
    failures.push(o.error);
    if (o.error instanceof HubSpotError && o.error.notAttempted !== undefined) {
      const group = skipped.get(o.error.notAttempted) ?? { calls: 0, apps: new Set<number>() };
      group.calls += 1;
      group.apps.add(o.target.appId);
      skipped.set(o.error.notAttempted, group);
    } else {
      lines.push(`  ${o.error.message}${correlationSuffix(o.error)}`);
    }
  }
  if (failures.length > 0) {
    for (const [reason, { calls, apps }] of skipped) {
      lines.push(`  ${calls} more not attempted (${plural(apps.size, 'app')} ${listIds([...apps], 10)}): ${reason}`);
    }
    const first = failures[0];
    const details: { correlationId?: string; hint?: string } = {};
    if (first instanceof UserError) {
      if (first.correlationId !== undefined) details.correlationId = first.correlationId;
      if (first.hint !== undefined) details.hint = first.hint;
    }
    const noun = targets.length === 1 ? 'resource' : 'resources';
    throw new UserError(`could not read ${failures.length} of ${targets.length} ${noun}; nothing was changed:\n${lines.join('\n')}`, details);
  }
  const remote = new Map<ChangeKey, RemoteResource | null>();
  for (const o of observations) if (o.ok) remote.set(changeKey(o.target), o.remote);
  return remote;
}

/** ` (correlationId …)` for errors HubSpot gave one to, so users can quote it to support. */
export function correlationSuffix(error: Error): string {
  return error instanceof UserError && error.correlationId !== undefined ? ` (correlationId ${error.correlationId})` : '';
}

export interface RemotePlan extends SelectedApps {
  client: SettingsClient;
  /** What GET returned per app resource (null: absent). */
  remote: Map<ChangeKey, RemoteResource | null>;
  plan: Plan;
}

/**
 * The read half of plan, apply and drift: load and select apps, run
 * `preflight` (extra up-front checks, e.g. webhook secrets), check
 * credentials, read remote state and build the plan. GET only.
 */
export async function planFromConfig(
  options: GlobalOptions & ConfigInputOptions & FleetOptions & { format: OutputFormat; signal?: AbortSignal | undefined },
  runtime: Runtime,
  preflight: (apps: readonly AppConfig[]) => void = () => {},
  tense: ImpactTense = 'plan',
): Promise<RemotePlan> {
  const { loaded, apps } = await selectApps(options, runtime);
  preflight(apps);
  const targets = resourceTargetsOf(apps);
  const client = connect(options, targets, runtime);
  const remote = await readRemote(targets, client, { ...options, quiet: options.format !== 'text' }, runtime);
  return { loaded, apps, client, remote, plan: buildPlan(apps, remote, { tense, targets: options.targets }) };
}

/** Prints the report in the chosen view and mirrors it to the GitHub step summary. */
export function emitReport(report: PlanReport, format: OutputFormat, runtime: Runtime): void {
  const palette = createPalette(runtime.stdout.color);
  if (format === 'json') runtime.stdout.write(renderJson(toPlanJson(report)));
  else if (format === 'markdown') runtime.stdout.write(renderReportMarkdown(report));
  else runtime.stdout.write(report.kind === 'apply' ? renderApplyText(report, palette) : renderPlanText(report, palette));
  writeStepSummary(report, runtime);
}

/** Appends the report's markdown to GITHUB_STEP_SUMMARY when set; an unwritable file is a warning. */
export function writeStepSummary(report: PlanReport, runtime: Runtime): void {
  if (!runtime.env.GITHUB_STEP_SUMMARY) return;
  const summary = appendReportToStepSummary((options) => renderReportMarkdown(report, options), runtime.env);
  if (summary.warning !== undefined) runtime.stderr.write(`Warning: ${summary.warning}\n`);
}

/**
 * Runs a plan / apply / drift body; when it fails with a user error, the
 * step summary still says what failed (DESIGN.md "A run that fails still
 * writes the step summary"), then the error goes on to the usual report.
 */
export async function withFailureSummary<T>(
  kind: ReportKind,
  options: ConfigInputOptions & Partial<FleetOptions> & { format: OutputFormat },
  runtime: Runtime,
  body: (about: (subject: ReportSubject) => void) => Promise<T>,
): Promise<T> {
  // What the report is about, for its marker: the arguments, until the body knows better (a saved plan's own paths).
  let subject: ReportSubject = { paths: options.paths, targets: options.targets ?? [] };
  try {
    return await body((known) => (subject = known));
  } catch (error) {
    if (isUserError(error) && !error.inReport && (runtime.env.GITHUB_STEP_SUMMARY || options.format === 'markdown')) {
      const plan: Plan = { changes: [], summary: { create: 0, update: 0, delete: 0, noop: 0 } };
      // As buildPlan records them, so a failed run's marker is the successful run's.
      const targets = planTargets(subject.targets);
      if (targets.length > 0) plan.targets = targets;
      const report: PlanReport = { kind, plan, configPaths: [...subject.paths], failure: failureOf(error) };
      // As --json prints an error document, --format markdown prints the failure under the same marker.
      if (options.format === 'markdown') runtime.stdout.write(renderReportMarkdown(report));
      writeStepSummary(report, runtime);
    }
    throw error;
  }
}

/** The paths and targets a report is about: what its markdown marker names. */
export interface ReportSubject {
  paths: readonly string[];
  targets: readonly number[];
}
