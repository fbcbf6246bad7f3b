import { diagnosticsInFileOrder, loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/model.js';
import { UserError } from '../errors.js';
import { countNoun, renderDiagnosticsText } from '../render/diagnostics-text.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ConfigInputOptions } from './options.js';

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
    throw new UserError(`${countNoun(loaded.errors.length, 'error')} in the configuration; nothing was sent to HubSpot.`, {
      hint: 'run `hscc validate` for details',
    });
  }
  return loaded;
}

