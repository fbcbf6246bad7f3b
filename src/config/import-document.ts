// The config document `hscc import` prints for an app as HubSpot has it:
// pure, so the law "loaded again, it declares exactly what HubSpot holds, or
// its diagnostics say which values cannot be declared" is a property test.
import { stringify } from 'yaml';
import type { WebhookNumber } from '../plan/model.js';
import { RESOURCES } from '../resources/index.js';
import { escapeEnvReferences } from './expand-env.js';
import { defaultAuthFor, type AppConfig } from './model.js';

const SCHEMA_COMMENT = '# yaml-language-server: $schema=./schemas/channel-connection.schema.json';

export interface ImportedDocument {
  /** The document as data, keys in the order they are printed. */
  document: Record<string, unknown>;
  /** The YAML text, starting with the schema comment; its lines are what diagnostics of it name. */
  yaml: string;
}

/**
 * The document for `app`'s present resources (their remote fields) and the
 * webhook's numbers. `apiVersion` and `auth` are written only when they are
 * not the defaults. Remote text is literal: a `${` in it is written `$${`,
 * so loading the document never expands it.
 */
export function importedDocument(app: Pick<AppConfig, 'appId' | 'apiVersion' | 'auth' | 'resources'>, phoneNumbers: readonly WebhookNumber[]): ImportedDocument {
  const document: Record<string, unknown> = { appId: app.appId };
  if (app.apiVersion !== 'v3') document.apiVersion = app.apiVersion;
  if (app.auth !== defaultAuthFor(app.apiVersion)) document.auth = app.auth;
  for (const resource of RESOURCES) {
    const desired = app.resources[resource.name];
    if (desired?.ensure !== 'present') continue;
    document[resource.configKey] = desired.fields;
    if (resource.webhookUrlField !== undefined) document.phoneNumbers = [...phoneNumbers];
  }
  return { document, yaml: `${SCHEMA_COMMENT}\n${stringify(escapeEnvReferences(document), { lineWidth: 0 })}` };
}
