import type { AppConfig } from '../config/model.js';
import { UserError } from '../errors.js';
import { isEmptyPlan } from '../plan/build-plan.js';
import type { WebhookFinding } from '../plan/model.js';
import { mapConcurrent } from '../remote/map-concurrent.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { clientSecretFor, missingSecretMessage } from '../webhook/client-secret.js';
import { probeWebhook } from '../webhook/probe.js';
import type { DriftOptions } from './options.js';
import { emitReport, planFromConfig } from './remote-context.js';

/**
 * `hscc drift`: a read-only refresh for cron. Exit 0 in sync, 2 drift,
 * 1 when anything could not be checked.
 */
export async function runDrift(options: DriftOptions, runtime: Runtime): Promise<CommandResult> {
  const probedOf = (apps: readonly AppConfig[]) =>
    options.probe ? apps.filter((app) => app.ensure === 'present' && app.settings !== null) : [];
  const { loaded, apps, plan } = await planFromConfig(options, runtime, (selected) => {
    const withoutSecret = probedOf(selected).filter((app) => clientSecretFor(app.appId, runtime.env) === undefined);
    if (withoutSecret.length > 0) {
      throw new UserError(`cannot probe webhooks: ${missingSecretMessage(withoutSecret.map((app) => app.appId))}`);
    }
  });
  const probed = probedOf(apps);
  const webhooks = options.probe ? await probeAll(probed, options, runtime) : undefined;

  emitReport(
    { kind: 'drift', plan, configPaths: loaded.files, ...(webhooks === undefined ? {} : { webhooks }) },
    options.format,
    runtime,
  );
  const findings = [...(webhooks?.values() ?? [])];
  if (findings.some((finding) => finding.status === 'error')) return { exitCode: 1 };
  const drifted = !isEmptyPlan(plan) || findings.some((finding) => finding.status === 'mismatch');
  return { exitCode: drifted ? 2 : 0 };
}

async function probeAll(apps: readonly AppConfig[], options: DriftOptions, runtime: Runtime): Promise<Map<number, WebhookFinding>> {
  const findings = await mapConcurrent(apps, options.parallelism, async (app) => {
    const finding = await probeWebhook(app, {
      portalId: options.portalId,
      userId: options.userId,
      secret: clientSecretFor(app.appId, runtime.env) as string,
      timeoutMs: options.timeoutMs,
      now: () => runtime.now(),
    });
    return [app.appId, finding] as const;
  });
  return new Map(findings);
}
