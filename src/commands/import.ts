import { stringify } from 'yaml';
import { escapeEnvReferences } from '../config/expand-env.js';
import { defaultAuthFor, type AppConfig } from '../config/model.js';
import { UserError } from '../errors.js';
import { managedOf } from '../plan/build-plan.js';
import type { WebhookNumber } from '../plan/model.js';
import { renderJson } from '../render/json.js';
import { RESOURCES, type Fields } from '../resources/index.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { clientSecretFor, missingSecretMessage } from '../webhook/client-secret.js';
import { probeWebhook } from '../webhook/probe.js';
import type { ImportOptions } from './options.js';
import { connect, readRemote } from './remote-context.js';
import { changeKey } from '../plan/model.js';
import { webhookUrlOf } from '../webhook/numbers.js';

const SCHEMA_COMMENT = ' yaml-language-server: $schema=./schemas/channel-connection.schema.json';

/** `hscc import`: prints a config document, every resource the app has, that plans as no-op. */
export async function runImport(options: ImportOptions, runtime: Runtime): Promise<CommandResult> {
  const auth = options.auth ?? defaultAuthFor(options.apiVersion);
  const secret = options.probe ? clientSecretFor(options.appId, runtime.env) : undefined;
  if (options.probe && secret === undefined) throw new UserError(`cannot probe the webhook: ${missingSecretMessage([options.appId])}`);

  const targets = RESOURCES.map((resource) => ({ appId: options.appId, apiVersion: options.apiVersion, auth, resource: resource.name }));
  const client = connect(options, targets, runtime);
  const remote = await readRemote(targets, client, { parallelism: targets.length, targets: [], quiet: true }, runtime);

  const resources: AppConfig['resources'] = {};
  const blocks: Record<string, Fields> = {};
  for (const resource of RESOURCES) {
    const found = remote.get(changeKey({ appId: options.appId, resource: resource.name }));
    if (found === null || found === undefined) continue;
    const fields = managedOf(resource, found.fields);
    resources[resource.name] = { ensure: 'present', fields };
    blocks[resource.configKey] = fields;
  }
  if (Object.keys(blocks).length === 0) {
    throw new UserError(`app ${options.appId} has no calling settings, recording settings or channel connection (api ${options.apiVersion}); nothing to import.`, {
      hint: 'Declare the app in a config file and run `hscc apply` to create them.',
    });
  }
  const app: AppConfig = {
    appId: options.appId,
    apiVersion: options.apiVersion,
    auth,
    resources,
    phoneNumbers: [],
    portals: [],
    source: { file: '(import)', line: 1, column: 1 },
  };
  const phoneNumbers = secret === undefined || webhookUrlOf(app) === undefined ? [] : await numbersFromWebhook(options, app, secret, runtime);

  const document: Record<string, unknown> = { appId: options.appId };
  if (options.apiVersion !== 'v3') document.apiVersion = options.apiVersion;
  if (auth !== defaultAuthFor(options.apiVersion)) document.auth = auth;
  for (const resource of RESOURCES) {
    const block = blocks[resource.configKey];
    if (block === undefined) continue;
    document[resource.configKey] = block;
    if (resource.webhookUrlField !== undefined) document.phoneNumbers = phoneNumbers;
  }
  // Remote text is literal: a `${` in it must not read as a variable when the config is loaded.
  const yaml = `#${SCHEMA_COMMENT}\n${stringify(escapeEnvReferences(document), { lineWidth: 0 })}`;
  if (options.json) runtime.stdout.write(renderJson({ ...document, apiVersion: options.apiVersion, auth, yaml }));
  else runtime.stdout.write(yaml);
  return { exitCode: 0 };
}

/** Asks the live webhook as HubSpot would; every number it answers is "unexpected" against none declared. */
async function numbersFromWebhook(options: ImportOptions, app: AppConfig, secret: string, runtime: Runtime): Promise<WebhookNumber[]> {
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
