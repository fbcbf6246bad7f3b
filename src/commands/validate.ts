import { diagnosticsInFileOrder, loadConfig } from '../config/load-config.js';
import { renderJson } from '../render/json.js';
import { toDiagnosticJson, type DiagnosticJson } from '../diagnostics/diagnostic.js';
import { countNoun, renderDiagnosticsText } from '../render/diagnostics-text.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import type { ValidateOptions } from './options.js';

/** `validate --json` output (DESIGN.md); `files` and `apps` are extras. */
export interface ValidateResultJson {
  valid: boolean;
  errors: DiagnosticJson[];
  warnings: DiagnosticJson[];
  files: string[];
  apps: number;
}

/**
 * `hscc validate [paths…]`: offline checks of config files, no network.
 * Text: diagnostics on stderr, a one-line summary on stdout. `--json`: one
 * document on stdout and nothing else. Exit 0 when valid, 1 otherwise.
 */
export async function runValidate(options: ValidateOptions, runtime: Runtime): Promise<CommandResult> {
  const loaded = await loadConfig({ patterns: options.paths, cwd: runtime.cwd, env: runtime.env, strict: options.strict });
  const valid = loaded.errors.length === 0;
  if (options.json) {
    const document: ValidateResultJson = {
      valid,
      errors: loaded.errors.map(toDiagnosticJson),
      warnings: loaded.warnings.map(toDiagnosticJson),
      files: loaded.files,
      apps: loaded.apps.length,
    };
    runtime.stdout.write(renderJson(document));
    return { exitCode: valid ? 0 : 1 };
  }
  const diagnostics = diagnosticsInFileOrder(loaded);
  if (diagnostics.length > 0) runtime.stderr.write(renderDiagnosticsText(diagnostics, { color: runtime.stderr.color }));
  const warnings = loaded.warnings.length > 0 ? `, ${countNoun(loaded.warnings.length, 'warning')}` : '';
  runtime.stdout.write(
    valid
      ? `Configuration valid: ${countNoun(loaded.apps.length, 'app')} in ${countNoun(loaded.files.length, 'file')}${warnings}.\n`
      : `Configuration invalid: ${countNoun(loaded.errors.length, 'error')}${warnings}.\n`,
  );
  return { exitCode: valid ? 0 : 1 };
}
