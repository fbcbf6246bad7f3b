// `hscc probe`: call each app's live webhook as HubSpot would and report,
// per app and declared level (default, portal, user), whether its numbers
// match the config.
import { escapeControlCharacters } from '../control-characters.js';
import type { AppConfig } from '../config/model.js';
import { UserError } from '../errors.js';
import type { WebhookFinding, WebhookNumber } from '../plan/model.js';
import { mapConcurrent } from '../remote/map-concurrent.js';
import { planTargets } from '../plan/build-plan.js';
import { renderJson } from '../render/json.js';
import { numberText, partialRun, plural, quoted } from '../render/view-model.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { assertClientSecrets, clientSecretFor } from '../webhook/client-secret.js';
import { webhookUrlOf } from '../webhook/numbers.js';
import { probeDeclaredLevels, probeWebhook } from '../webhook/probe.js';
import { readConfigForCommand } from './config-input.js';
import { selectTargets } from './remote-context.js';
import type { LoadApps } from '../webhook/load-apps.js';
import type { ProbeOptions } from './options.js';

/** One probed level of one app in `probe --json` (`portalId`/`userId` absent for the app's default). */
export interface ProbeWebhookJson extends WebhookFinding {
  appId: number;
}

/** The `probe --json` document (DESIGN.md: formatVersion, kind, webhooks). */
export interface ProbeJson {
  formatVersion: 1;
  kind: 'probe';
  webhooks: ProbeWebhookJson[];
  summary: { match: number; mismatch: number; error: number };
  /** A `--target` run: the only apps probed. */
  targets?: number[];
}

/**
 * Runs `hscc probe`. Exit 0 when every webhook answers the configured
 * numbers, 2 when some answer validly with other numbers (and none failed),
 * 1 on any failure. Every app's secret is checked before the first request.
 */
export async function runProbe(options: ProbeOptions, runtime: Runtime, loadApps: LoadApps = readConfigForCommand): Promise<CommandResult> {
  if (options.userId !== undefined && options.portalId === undefined) {
    throw new UserError('--user-id needs --portal-id: a user is declared within a portal.');
  }
  const loaded = await loadApps(options, runtime);
  const apps = selectTargets(loaded.apps, options.targets).filter((app: AppConfig) => webhookUrlOf(app) !== undefined);
  assertClientSecrets(apps.map((app) => app.appId), runtime.env, 'cannot probe webhooks');

  const perApp = await mapConcurrent(apps, options.parallelism, async (app): Promise<ProbeWebhookJson[]> => {
    const common = { secret: clientSecretFor(app.appId, runtime.env) ?? '', timeoutMs: options.timeoutMs, now: () => runtime.now() };
    const findings =
      options.portalId === undefined
        ? await probeDeclaredLevels(app, common)
        : [await probeWebhook(app, { ...common, portalId: options.portalId, userId: options.userId ?? undeclaredUser(app, options.portalId) })];
    return findings.map((finding) => ({ appId: app.appId, ...finding }));
  });
  const results = perApp.flat();
  const summary = {
    match: results.filter((r) => r.status === 'match').length,
    mismatch: results.filter((r) => r.status === 'mismatch').length,
    error: results.filter((r) => r.status === 'error').length,
  };

  const targets = planTargets(options.targets);
  if (options.json) {
    const document: ProbeJson = { formatVersion: 1, kind: 'probe', webhooks: results, summary };
    if (targets.length > 0) document.targets = targets;
    // Webhook answers are hostile text: renderJson escapes what JSON.stringify leaves raw.
    runtime.stdout.write(renderJson(document));
  } else {
    const partial = targets.length > 0 ? `Note: ${partialRun(targets)} (--target).\n\n` : '';
    runtime.stdout.write(partial + renderProbeText(results, summary));
  }
  return { exitCode: summary.error > 0 ? 1 : summary.mismatch > 0 ? 2 : 0 };
}

/** The smallest userId the portal does not declare: what a request for "the portal's numbers" sends. */
function undeclaredUser(app: AppConfig, portalId: number): number {
  const taken = new Set(app.portals.find((p) => p.portalId === portalId)?.users.map((u) => u.userId) ?? []);
  let userId = 1;
  while (taken.has(userId)) userId++;
  return userId;
}

/** The human report: one block per app, then a summary line. */
export function renderProbeText(results: readonly ProbeWebhookJson[], summary: ProbeJson['summary']): string {
  if (results.length === 0) return 'No apps with a channel connection; nothing to probe.\n';
  const lines: string[] = [];
  for (const r of results) {
    const who = `app ${r.appId}${r.portalId === undefined ? '' : ` portal ${r.portalId}`}${r.userId === undefined ? '' : ` user ${r.userId}`}`;
    // The URL and the webhook's words are input: shown escaped on a terminal, as in JSON and markdown.
    const url = escapeControlCharacters(r.url);
    if (r.status === 'match') {
      lines.push(`✓ ${who} ${url}: numbers match the config`);
    } else if (r.status === 'error') {
      lines.push(`✗ ${who} ${url}: ${escapeControlCharacters(r.error ?? 'probe failed')}`);
    } else {
      lines.push(`✗ ${who} ${url}: numbers differ from the config`);
      for (const n of r.missing) lines.push(`    - missing     ${describeNumber(n)}`);
      for (const n of r.unexpected) lines.push(`    + unexpected  ${describeNumber(n)}`);
      for (const c of r.changedFriendlyName) {
        lines.push(`    ~ friendlyName ${numberText(c)}: ${quoted(c.expected)} -> ${quoted(c.actual)}`);
      }
    }
  }
  lines.push(`Probed ${results.length} ${plural(results.length, 'webhook')}: ${summary.match} match, ${summary.mismatch} differ, ${summary.error} failed.`);
  return `${lines.join('\n')}\n`;
}

function describeNumber(n: WebhookNumber): string {
  return `${numberText(n)} ${quoted(n.friendlyName)}`;
}
