import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSavedPlan } from '../apply/saved-plan.js';
import { hashInputs } from '../config/input-hash.js';
import { UserError } from '../errors.js';
import { isEmptyPlan } from '../plan/build-plan.js';
import { renderJson } from '../render/json.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import { VERSION } from '../generated/version.js';
import { readOnlyUntilInterrupted } from './interrupts.js';
import type { PlanOptions } from './options.js';
import { emitReport, planFromConfig, withFailureSummary } from './remote-context.js';

/** `hscc plan`: GET only; prints the plan and optionally saves it for `apply FILE`. */
export async function runPlan(options: PlanOptions, runtime: Runtime): Promise<CommandResult> {
  return withFailureSummary('plan', options, runtime, async () => {
    const { loaded, remote, plan } = await readOnlyUntilInterrupted(runtime, 'Plan interrupted; nothing was changed.', (signal) =>
      planFromConfig({ ...options, signal }, runtime),
    );

    if (options.out !== undefined) {
      const saved = createSavedPlan({
        plan,
        observed: remote,
        toolVersion: VERSION,
        inputHash: hashInputs(loaded.apps),
        configPaths: options.paths,
        files: loaded.files,
        now: runtime.now(),
      });
      // The file must never hold a secret, and a redacted plan could not be
      // applied as reviewed (nor verified: its checksum covers the values).
      const text = renderJson(saved);
      const scrub = createScrubber(secretValuesFrom(runtime.env));
      if (scrub(text) !== text) {
        const holdsSecret = (change: (typeof plan.changes)[number]): boolean => {
          const values = JSON.stringify([change.before, change.after]);
          return scrub(values) !== values;
        };
        const where = plan.changes.filter(holdsSecret).map((change) => `app ${change.appId} ${change.resource}`);
        const failure = {
          message: `cannot save the plan to ${options.out}: it would hold a credential's value (${where.length > 0 ? where.join(', ') : 'in what HubSpot answered'}), and hscc writes no secret to a file.`,
          hint: 'keep credentials out of setting values (a URL that carries a token, say); if HubSpot holds one in a setting, change that setting.',
        };
        // The plan is still shown (redacted), so the run says what it saw; one document, carrying the error.
        emitReport({ kind: 'plan', plan, configPaths: options.paths, failure }, options.format, runtime);
        throw new UserError(failure.message, { hint: failure.hint, inReport: true });
      }
      try {
        await writeFile(resolve(runtime.cwd, options.out), text);
      } catch (error) {
        throw new UserError(`could not write the plan to ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }

    emitReport({ kind: 'plan', plan, configPaths: options.paths }, options.format, runtime);
    if (options.out !== undefined) {
      const note = `Saved the plan to ${options.out}. To apply exactly these actions, run: hscc apply ${options.out}\n`;
      (options.format === 'text' ? runtime.stdout : runtime.stderr).write(`\n${note}`);
    }
    return { exitCode: options.detailedExitcode && !isEmptyPlan(plan) ? 2 : 0 };
  });
}
