import type { AppConfig } from '../config/model.js';
import type { WebhookFinding } from '../plan/model.js';
import { mapConcurrent } from '../remote/map-concurrent.js';
import { driftedApps } from '../render/view-model.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { assertClientSecrets, clientSecretFor } from '../webhook/client-secret.js';
import { probeDeclaredLevels } from '../webhook/probe.js';
import { webhookUrlOf } from '../webhook/numbers.js';
import { readOnlyUntilInterrupted } from './interrupts.js';
import type { DriftOptions } from './options.js';
import { emitReport, planFromConfig, withFailureSummary } from './remote-context.js';

/**
 * `hscc drift`: a read-only refresh for cron, worded as the present. Exit 0
 * in sync, 2 drift (settings or webhook numbers), 1 when anything could not
 * be checked.
 */
export async function runDrift(options: DriftOptions, runtime: Runtime): Promise<CommandResult> {
  return withFailureSummary('drift', options, runtime, async () => {
    const probedOf = (apps: readonly AppConfig[]) => (options.probe ? apps.filter((app) => webhookUrlOf(app) !== undefined) : []);
    const { plan, webhooks } = await readOnlyUntilInterrupted(runtime, 'Drift check interrupted; nothing was changed.', async (signal) => {
      const { apps, plan } = await planFromConfig(
        { ...options, signal },
        runtime,
        (selected) => assertClientSecrets(probedOf(selected).map((app) => app.appId), runtime.env, 'cannot probe webhooks'),
        'drift',
      );
      return { plan, webhooks: options.probe ? await probeAll(probedOf(apps), options, runtime) : undefined };
    });
    const report = { kind: 'drift' as const, plan, configPaths: options.paths, ...(webhooks === undefined ? {} : { webhooks }) };
    emitReport(report, options.format, runtime);
    const findings = [...(webhooks?.values() ?? [])].flat();
    if (findings.some((finding) => finding.status === 'error')) return { exitCode: 1 };
    return { exitCode: driftedApps(report).length > 0 ? 2 : 0 };
  });
}

async function probeAll(apps: readonly AppConfig[], options: DriftOptions, runtime: Runtime): Promise<Map<number, WebhookFinding[]>> {
  const findings = await mapConcurrent(apps, options.parallelism, async (app) => {
    const levels = await probeDeclaredLevels(app, {
      secret: clientSecretFor(app.appId, runtime.env) as string,
      timeoutMs: options.timeoutMs,
      now: () => runtime.now(),
    });
    return [app.appId, levels] as const;
  });
  return new Map(findings);
}
