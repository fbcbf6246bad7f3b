// The config document `hscc import` prints for an app as HubSpot has it:
// pure, so the law "loaded again, it declares exactly what HubSpot holds, or
// its diagnostics say which values cannot be declared" is a property test.
import { Document, visit } from 'yaml';
import { escapeJsonControls, holdsBeyondC0 } from '../control-characters.js';
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

/** The numbers a webhook answered, per level: the app's default, and the portals and users asked. */
export interface ImportedNumbers {
  phoneNumbers: readonly WebhookNumber[];
  portals: ReadonlyArray<{ portalId: number; phoneNumbers: readonly WebhookNumber[]; users: ReadonlyArray<{ userId: number; phoneNumbers: readonly WebhookNumber[] }> }>;
}

const NO_NUMBERS: ImportedNumbers = { phoneNumbers: [], portals: [] };

/**
 * The document for `app`'s present resources (their remote fields) and the
 * webhook's numbers. `apiVersion` and `auth` are written only when they are
 * not the defaults. Remote text is literal: a `${` in it is written `$${`,
 * so loading the document never expands it.
 */
export function importedDocument(app: Pick<AppConfig, 'appId' | 'apiVersion' | 'auth' | 'resources'>, numbers: ImportedNumbers = NO_NUMBERS): ImportedDocument {
  const document: Record<string, unknown> = { appId: app.appId };
  if (app.apiVersion !== 'v3') document.apiVersion = app.apiVersion;
  if (app.auth !== defaultAuthFor(app.apiVersion)) document.auth = app.auth;
  for (const resource of RESOURCES) {
    const desired = app.resources[resource.name];
    if (desired?.ensure !== 'present') continue;
    document[resource.configKey] = desired.fields;
    if (resource.webhookUrlField === undefined) continue;
    document.phoneNumbers = [...numbers.phoneNumbers];
    if (numbers.portals.length > 0) {
      document.portals = Object.fromEntries(
        numbers.portals.map((portal) => [
          String(portal.portalId),
          {
            phoneNumbers: [...portal.phoneNumbers],
            ...(portal.users.length === 0 ? {} : { users: Object.fromEntries(portal.users.map((user) => [String(user.userId), { phoneNumbers: [...user.phoneNumbers] }])) }),
          },
        ]),
      );
    }
  }
  return { document, yaml: `${SCHEMA_COMMENT}\n${yamlText(escapeEnvReferences(document))}` };
}

/**
 * The document as YAML. Text with DEL, C1 controls, line separators or bidi
 * overrides is double-quoted with those as `\uXXXX` escapes: YAML 1.2 does
 * not allow the first raw, and none may reach a terminal raw. yaml quotes
 * only some of them and escapes none, so every such string is forced into
 * double quotes, where the escapes then mean the same characters.
 */
function yamlText(value: unknown): string {
  const doc = new Document(value);
  let escaped = false;
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && holdsBeyondC0(node.value)) {
        node.type = 'QUOTE_DOUBLE';
        escaped = true;
      }
    },
  });
  const text = doc.toString({ lineWidth: 0 });
  return escaped ? escapeJsonControls(text) : text;
}
