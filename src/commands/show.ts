import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSavedPlan } from '../apply/saved-plan.js';
import { UserError } from '../errors.js';
import { VERSION } from '../generated/version.js';
import { renderJson, toPlanJson } from '../render/json.js';
import { renderReportMarkdown } from '../render/markdown.js';
import { createPalette } from '../render/palette.js';
import { renderPlanText } from '../render/text.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import type { ShowOptions } from './options.js';

/** `hscc show PLANFILE`: renders a saved plan; no network, no credentials. */
export async function runShow(options: ShowOptions, runtime: Runtime): Promise<CommandResult> {
  let text: string;
  try {
    text = await readFile(resolve(runtime.cwd, options.planFile), 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the plan file ${options.planFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const saved = parseSavedPlan(text, options.planFile, VERSION, 'show');
  const report = { kind: 'plan' as const, plan: saved.plan, configPaths: saved.configPaths };
  if (options.format === 'json') runtime.stdout.write(renderJson(toPlanJson(report)));
  else if (options.format === 'markdown') runtime.stdout.write(renderReportMarkdown(report));
  else runtime.stdout.write(renderPlanText(report, createPalette(runtime.stdout.color)));
  return { exitCode: 0 };
}
