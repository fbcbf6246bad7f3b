import { stringify } from 'yaml';
import type { AppConfig, ManagedSettings } from '../config/model.js';
import { UserError } from '../errors.js';
import { managedOf } from '../plan/build-plan.js';
import type { WebhookNumber } from '../plan/model.js';
import { renderJson } from '../render/json.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { clientSecretFor, missingSecretMessage } from '../webhook/client-secret.js';
import { probeWebhook } from '../webhook/probe.js';
import type { ImportOptions } from './options.js';
import { connect } from './remote-context.js';

const SCHEMA_COMMENT = ' yaml-language-server: $schema=./schemas/channel-connection.schema.json';

/** `hscc import`: prints a config document that plans as no-op for an existing app. */
export async function runImport(options: ImportOptions, runtime: Runtime): Promise<CommandResult> {
  const target = { appId: options.appId, apiVersion: options.apiVersion };
  const secret = options.probe ? clientSecretFor(options.appId, runtime.env) : undefined;
  if (options.probe && secret === undefined) throw new UserError(`cannot probe the webhook: ${missingSecretMessage([options.appId])}`);

  const client = connect(options, [target], runtime);
  const remote = await client.get(target);
  if (remote === null) {
    throw new UserError(`app ${options.appId} has no channel-connection settings (api ${options.apiVersion}); nothing to import.`, {
      hint: 'Declare the app in a config file and run `hscc apply` to create them.',
    });
  }
  const settings = managedOf(remote);
  const phoneNumbers = secret === undefined ? [] : await numbersFromWebhook(options, settings, secret, runtime);

  const document = {
    appId: options.appId,
    ...(options.apiVersion === 'v3' ? {} : { apiVersion: options.apiVersion }),
    settings,
    phoneNumbers,
  };
  const yaml = `#${SCHEMA_COMMENT}\n${stringify(document, { lineWidth: 0 })}`;
  if (options.json) runtime.stdout.write(renderJson({ ...document, apiVersion: options.apiVersion, yaml }));
  else runtime.stdout.write(yaml);
  return { exitCode: 0 };
}

/** Asks the live webhook as HubSpot would; every number it answers is "unexpected" against none declared. */
async function numbersFromWebhook(
  options: ImportOptions,
  settings: ManagedSettings,
  secret: string,
  runtime: Runtime,
): Promise<WebhookNumber[]> {
  const app: AppConfig = {
    appId: options.appId,
    apiVersion: options.apiVersion,
    ensure: 'present',
    settings,
    phoneNumbers: [],
    source: { file: '(import)', line: 1, column: 1 },
  };
  const finding = await probeWebhook(app, {
    portalId: options.portalId,
    userId: options.userId,
    secret,
    timeoutMs: options.timeoutMs,
    now: () => runtime.now(),
  });
  if (finding.status === 'error') throw new UserError(`could not read the numbers from ${finding.url}: ${finding.error ?? 'probe failed'}`);
  return finding.unexpected;
}
