import { LineCounter, parseDocument } from 'yaml';
import { importedDocument, type ImportedNumbers } from '../config/import-document.js';
import { defaultAuthFor, type AppConfig, type PortalNumbersConfig } from '../config/model.js';
import { parseConfigText } from '../config/parse-config.js';
import { formatYamlPath, type PathSegment } from '../config/yaml-path.js';
import { locateNode } from '../config/yaml-locate.js';
import { createDiagnostic, toDiagnosticJson, type Diagnostic } from '../diagnostics/diagnostic.js';
import { UserError } from '../errors.js';
import { managedOf } from '../plan/build-plan.js';
import { changeKey, type WebhookNumber } from '../plan/model.js';
import { countNoun, renderDiagnosticsText } from '../render/diagnostics-text.js';
import { renderJson } from '../render/json.js';
import { RESOURCES } from '../resources/index.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { createScrubber, REDACTED, secretValuesFrom } from '../runtime/secrets.js';
import { assertClientSecrets, clientSecretFor } from '../webhook/client-secret.js';
import { webhookUrlOf } from '../webhook/numbers.js';
import { probeDeclaredLevels } from '../webhook/probe.js';
import type { ImportOptions } from './options.js';
import { connect, readRemote } from './remote-context.js';

/** The file name diagnostics of the printed document carry; their lines are its lines. */
const IMPORTED = '(import)';

/** `hscc import`: prints a config document, every resource the app has, that plans as no-op. */
export async function runImport(options: ImportOptions, runtime: Runtime): Promise<CommandResult> {
  if (options.userId !== undefined && options.portalId === undefined) {
    throw new UserError('--user-id needs --portal-id: a user is declared within a portal.');
  }
  const auth = options.auth ?? defaultAuthFor(options.apiVersion);
  if (options.probe) assertClientSecrets([options.appId], runtime.env, 'cannot probe the webhook');
  const secret = options.probe ? clientSecretFor(options.appId, runtime.env) : undefined;

  const targets = RESOURCES.map((resource) => ({ appId: options.appId, apiVersion: options.apiVersion, auth, resource: resource.name }));
  const client = connect(options, targets, runtime);
  const remote = await readRemote(targets, client, { parallelism: targets.length, targets: [], quiet: true }, runtime);

  const resources: AppConfig['resources'] = {};
  for (const resource of RESOURCES) {
    const found = remote.get(changeKey({ appId: options.appId, resource: resource.name }));
    if (found !== null && found !== undefined) resources[resource.name] = { ensure: 'present', fields: managedOf(resource, found.fields) };
  }
  if (Object.keys(resources).length === 0) {
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
    source: { file: IMPORTED, line: 1, column: 1 },
  };
  const url = webhookUrlOf(app);
  let numbers: ImportedNumbers = { phoneNumbers: [], portals: [] };
  if (secret !== undefined && url !== undefined) {
    // Its user name and password were redacted on read: probing would send the placeholder as a credential.
    if (url.includes(`${REDACTED}@`)) runtime.stderr.write('note: the webhook was not probed: its URL carries credentials (see url-credentials below), so phoneNumbers is left empty.\n');
    else numbers = await numbersFromWebhook(options, app, secret, runtime);
  }

  // Redacted as values, before the YAML is written: `[REDACTED]` is then a quoted string, and the document is what it says.
  const shown = redactValues(app, numbers, createScrubber(secretValuesFrom(runtime.env), { value: true }));
  const { document, yaml } = importedDocument(shown.app, shown.numbers);
  // HubSpot may hold what hscc's rules refuse (a blank name, an http: URL, a
  // number that is not E.164): the document is still printed, as Terraform
  // writes generated config that needs fixing, but the run says so and fails.
  const parsed = await parseConfigText(yaml, IMPORTED, { env: {}, strict: false });
  const diagnostics = [...parsed.diagnostics, ...secretFindings(yaml, shown.redacted)].sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (options.json) {
    const warnings = diagnostics.filter((d) => d.severity === 'warning');
    runtime.stdout.write(
      renderJson({ ...document, apiVersion: options.apiVersion, auth, yaml, errors: errors.map(toDiagnosticJson), warnings: warnings.map(toDiagnosticJson) }),
    );
    return { exitCode: errors.length === 0 ? 0 : 1 };
  }
  runtime.stdout.write(yaml);
  if (diagnostics.length > 0) runtime.stderr.write(renderDiagnosticsText(diagnostics, { color: runtime.stderr.color }));
  if (errors.length > 0) {
    throw new UserError(`the imported document does not validate: HubSpot holds values hscc's rules refuse (${countNoun(errors.length, 'error')} above).`, {
      hint: 'fix them in the saved document; `hscc plan` then shows the update that makes HubSpot match',
    });
  }
  return { exitCode: 0 };
}

/** The app and numbers with every value that holds a credential (whole, or cut at its end) redacted, and where each was. */
function redactValues(app: AppConfig, numbers: ImportedNumbers, scrub: (value: string) => string): { app: AppConfig; numbers: ImportedNumbers; redacted: PathSegment[][] } {
  const redacted: PathSegment[][] = [];
  const clean = <T>(value: T, at: PathSegment[]): T => {
    if (typeof value !== 'string') return value;
    const scrubbed = scrub(value);
    if (scrubbed === value) return value;
    redacted.push(at);
    return scrubbed as T;
  };
  const resources: AppConfig['resources'] = {};
  for (const resource of RESOURCES) {
    const desired = app.resources[resource.name];
    if (desired?.ensure !== 'present') continue;
    const fields = Object.fromEntries(Object.entries(desired.fields).map(([name, value]) => [name, clean(value, [resource.configKey, name])]));
    resources[resource.name] = { ensure: 'present', fields: fields as typeof desired.fields };
  }
  const list = (items: readonly WebhookNumber[], at: PathSegment[]): WebhookNumber[] =>
    items.map((number, index) => {
      const cleaned: WebhookNumber = { e164PhoneNumber: clean(number.e164PhoneNumber, [...at, index, 'e164PhoneNumber']), friendlyName: clean(number.friendlyName, [...at, index, 'friendlyName']) };
      if (number.extension !== undefined) cleaned.extension = clean(number.extension, [...at, index, 'extension']);
      return cleaned;
    });
  return {
    app: { ...app, resources },
    numbers: {
      phoneNumbers: list(numbers.phoneNumbers, ['phoneNumbers']),
      portals: numbers.portals.map((portal) => ({
        portalId: portal.portalId,
        phoneNumbers: list(portal.phoneNumbers, ['portals', String(portal.portalId), 'phoneNumbers']),
        users: portal.users.map((user) => ({ userId: user.userId, phoneNumbers: list(user.phoneNumbers, ['portals', String(portal.portalId), 'users', String(user.userId), 'phoneNumbers']) })),
      })),
    },
    redacted,
  };
}

/**
 * A `holds-secret` error at each redacted value: the document would plan
 * an update to the placeholder, so the run fails there.
 */
function secretFindings(yaml: string, redacted: readonly PathSegment[][]): Diagnostic[] {
  if (redacted.length === 0) return [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter });
  return redacted.map((segments) => {
    const { line, col } = lineCounter.linePos(locateNode(doc, segments, 'value').offset);
    return createDiagnostic({
      code: 'holds-secret',
      severity: 'error',
      file: IMPORTED,
      line,
      column: col,
      path: formatYamlPath(segments),
      message: `the value holds a credential's value, printed as ${REDACTED}: the document would plan an update to that text`,
      hint: 'take the credential out of this value (in HubSpot, or in what the webhook answers), then import again',
    });
  });
}

/**
 * Asks the live webhook as HubSpot would, at the app's default level and at
 * the portal and user given, as drift --probe asks them: every number it
 * answers at a level is that level's (none is declared yet).
 */
async function numbersFromWebhook(options: ImportOptions, app: AppConfig, secret: string, runtime: Runtime): Promise<ImportedNumbers> {
  const asked: PortalNumbersConfig[] =
    options.portalId === undefined
      ? []
      : [{ portalId: options.portalId, phoneNumbers: [], users: options.userId === undefined ? [] : [{ userId: options.userId, phoneNumbers: [] }] }];
  const findings = await probeDeclaredLevels({ ...app, portals: asked }, { secret, timeoutMs: options.timeoutMs, now: () => runtime.now() });
  const failed = findings.find((finding) => finding.status === 'error');
  if (failed !== undefined) {
    const level = failed.portalId === undefined ? '' : ` (portal ${failed.portalId}${failed.userId === undefined ? '' : `, user ${failed.userId}`})`;
    throw new UserError(`could not read the numbers from ${failed.url}${level}: ${failed.error ?? 'probe failed'}`);
  }
  const at = (portalId: number | undefined, userId: number | undefined) => findings.find((f) => f.portalId === portalId && f.userId === userId)?.unexpected ?? [];
  return {
    phoneNumbers: at(undefined, undefined),
    portals: asked.map((portal) => ({
      portalId: portal.portalId,
      phoneNumbers: at(portal.portalId, undefined),
      users: portal.users.map((user) => ({ userId: user.userId, phoneNumbers: at(portal.portalId, user.userId) })),
    })),
  };
}
