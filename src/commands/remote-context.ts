// What plan, apply and drift share: choosing apps, connecting with checked
// credentials, reading remote state, and printing a report in the chosen view.
import type { AppConfig, LoadedConfig } from '../config/model.js';
import { UserError } from '../errors.js';
import { createHubSpotClient } from '../hubspot/client.js';
import { assertCredentials, resolveBaseUrl } from '../hubspot/credentials.js';
import type { AppTarget, ChannelConnectionClient, RemoteSettings } from '../hubspot/types.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan, PlanReport } from '../plan/model.js';
import { observeApps } from '../remote/observe.js';
import { createProgress } from '../remote/progress.js';
import { renderJson, toPlanJson } from '../render/json.js';
import { renderReportMarkdown } from '../render/markdown.js';
import { createPalette } from '../render/palette.js';
import { appendStepSummary } from '../render/step-summary.js';
import { renderApplyText, renderPlanText } from '../render/text.js';
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
  if (options.targets.length === 0) return { loaded, apps: loaded.apps };
  const declared = new Set(loaded.apps.map((app) => app.appId));
  const unknown = options.targets.filter((appId) => !declared.has(appId));
  if (unknown.length > 0) {
    throw new UserError(`--target names app${unknown.length === 1 ? '' : 's'} not declared in the configuration: ${unknown.join(', ')}.`, {
      hint: `Declared apps: ${[...declared].join(', ') || 'none'}.`,
    });
  }
  const wanted = new Set(options.targets);
  return { loaded, apps: loaded.apps.filter((app) => wanted.has(app.appId)) };
}

export function targetsOf(apps: readonly { appId: number; apiVersion: AppTarget['apiVersion'] }[]): AppTarget[] {
  return apps.map((app) => ({ appId: app.appId, apiVersion: app.apiVersion }));
}

/** Checks every credential the targets need before the first request, then builds the client. */
export function connect(options: GlobalOptions, targets: readonly AppTarget[], runtime: Runtime): ChannelConnectionClient {
  assertCredentials(targets, runtime.env);
  return createHubSpotClient({
    baseUrl: resolveBaseUrl(options.baseUrl, runtime.env),
    env: runtime.env,
    timeoutMs: options.timeoutMs,
    sleep: (ms) => runtime.sleep(ms),
    random: () => runtime.random(),
    now: () => runtime.now(),
  });
}

/**
 * Reads every target's settings (GET only). Any failed read fails the run:
 * a plan built on partial state would be wrong.
 */
export async function readRemote(
  targets: readonly AppTarget[],
  client: ChannelConnectionClient,
  options: FleetOptions & { quiet: boolean },
  runtime: Runtime,
): Promise<Map<number, RemoteSettings | null>> {
  const progress = createProgress(runtime.stderr, 'Reading remote settings', targets.length, !options.quiet);
  const observations = await observeApps(targets, client, { parallelism: options.parallelism, onSettled: progress.tick });
  progress.done();
  const failures = observations.flatMap((o) => (o.ok ? [] : [o.error]));
  if (failures.length > 0) {
    const lines = failures.map((error) => `  ${error.message}${correlationSuffix(error)}`);
    const first = failures[0];
    const details: { correlationId?: string; hint?: string } = {};
    if (first instanceof UserError) {
      if (first.correlationId !== undefined) details.correlationId = first.correlationId;
      if (first.hint !== undefined) details.hint = first.hint;
    }
    throw new UserError(
      `could not read the settings of ${failures.length} of ${targets.length} app${targets.length === 1 ? '' : 's'}; nothing was changed:\n${lines.join('\n')}`,
      details,
    );
  }
  const remote = new Map<number, RemoteSettings | null>();
  for (const o of observations) if (o.ok) remote.set(o.appId, o.settings);
  return remote;
}

/** ` (correlationId …)` for errors HubSpot gave one to, so users can quote it to support. */
export function correlationSuffix(error: Error): string {
  return error instanceof UserError && error.correlationId !== undefined ? ` (correlationId ${error.correlationId})` : '';
}

export interface RemotePlan extends SelectedApps {
  client: ChannelConnectionClient;
  /** What GET returned per appId (null: absent). */
  remote: Map<number, RemoteSettings | null>;
  plan: Plan;
}

/**
 * The read half of plan, apply and drift: load and select apps, run
 * `preflight` (extra up-front checks, e.g. webhook secrets), check
 * credentials, read remote state and build the plan. GET only.
 */
export async function planFromConfig(
  options: GlobalOptions & ConfigInputOptions & FleetOptions & { format: OutputFormat },
  runtime: Runtime,
  preflight: (apps: readonly AppConfig[]) => void = () => {},
): Promise<RemotePlan> {
  const { loaded, apps } = await selectApps(options, runtime);
  preflight(apps);
  const targets = targetsOf(apps);
  const client = connect(options, targets, runtime);
  const remote = await readRemote(targets, client, { ...options, quiet: options.format !== 'text' }, runtime);
  return { loaded, apps, client, remote, plan: buildPlan(apps, remote) };
}

/** Prints the report in the chosen view and mirrors it to the GitHub step summary. */
export function emitReport(report: PlanReport, format: OutputFormat, runtime: Runtime): void {
  const palette = createPalette(runtime.stdout.color);
  let markdown: string | undefined;
  const markdownOnce = () => (markdown ??= renderReportMarkdown(report));
  if (format === 'json') runtime.stdout.write(renderJson(toPlanJson(report)));
  else if (format === 'markdown') runtime.stdout.write(markdownOnce());
  else runtime.stdout.write(report.kind === 'apply' ? renderApplyText(report, palette) : renderPlanText(report, palette));

  if (runtime.env.GITHUB_STEP_SUMMARY) {
    const summary = appendStepSummary(markdownOnce(), runtime.env);
    if (summary.warning !== undefined) runtime.stderr.write(`Warning: ${summary.warning}\n`);
  }
}
