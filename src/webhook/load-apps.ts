import type { ConfigInputOptions } from '../commands/options.js';
import type { AppConfig } from '../config/model.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * How the webhook commands get their apps: the config loader in the CLI
 * (readConfigForCommand, which reports diagnostics and throws on errors),
 * AppConfig values in tests.
 */
export type LoadApps = (options: ConfigInputOptions, runtime: Runtime) => Promise<{ apps: AppConfig[] }>;
