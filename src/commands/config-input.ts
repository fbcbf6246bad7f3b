import { diagnosticsInFileOrder, loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/model.js';
import { escapeControlCharacters } from '../control-characters.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { UserError } from '../errors.js';
import { countNoun, renderDiagnosticsText } from '../render/diagnostics-text.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ConfigInputOptions } from './options.js';

/** Errors carried in a failed run's JSON and step summary; stderr shows them all. */
const MAX_DETAILS = 20;

function diagnosticLine(d: Diagnostic): string {
  return escapeControlCharacters(`${d.file}:${d.line}:${d.column}${d.path === '' ? '' : ` ${d.path}`}: ${d.message}`);
}

/**
 * Loads the config for a command that acts on it (plan, apply, fixtures,
 * serve, probe, drift): writes every warning and error to stderr and throws a
 * UserError when there is any error, so nothing is sent anywhere.
 * @returns the loaded config, which then has no errors.
 */
export async function readConfigForCommand(options: ConfigInputOptions, runtime: Runtime): Promise<LoadedConfig> {
  const loaded = await loadConfig({ patterns: options.paths, cwd: runtime.cwd, env: runtime.env, strict: options.strict });
  const diagnostics = diagnosticsInFileOrder(loaded);
  if (diagnostics.length > 0) runtime.stderr.write(renderDiagnosticsText(diagnostics, { color: runtime.stderr.color }));
  if (loaded.errors.length > 0) {
    throw new UserError(`${countNoun(loaded.errors.length, 'error')} in the configuration; nothing was sent or written.`, {
      hint: 'run `hscc validate` for details',
      // A PR's step summary and a bot reading --json see what is wrong, not only how much.
      details: diagnosticsInFileOrder({ ...loaded, warnings: [] }).slice(0, MAX_DETAILS).map(diagnosticLine),
    });
  }
  return loaded;
}

