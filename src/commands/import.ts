import { parseDocument } from 'yaml';
import { importedDocument } from '../config/import-document.js';
import { defaultAuthFor, type AppConfig } from '../config/model.js';
import { parseConfigText } from '../config/parse-config.js';
import { formatYamlPath } from '../config/yaml-path.js';
import { pathAtOffset } from '../config/yaml-locate.js';
import { createDiagnostic, toDiagnosticJson, type Diagnostic } from '../diagnostics/diagnostic.js';
import { UserError } from '../errors.js';
import { managedOf } from '../plan/build-plan.js';
import type { WebhookNumber } from '../plan/model.js';
import { countNoun, renderDiagnosticsText } from '../render/diagnostics-text.js';
import { renderJson } from '../render/json.js';
import { RESOURCES } from '../resources/index.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { createScrubber, REDACTED, secretValuesFrom } from '../runtime/secrets.js';
import { assertClientSecrets, clientSecretFor } from '../webhook/client-secret.js';
import { probeWebhook } from '../webhook/probe.js';
import type { ImportOptions } from './options.js';
import { connect, readRemote } from './remote-context.js';
import { changeKey } from '../plan/model.js';
import { webhookUrlOf } from '../webhook/numbers.js';

/** The file name diagnostics of the printed document carry; their lines are its lines. */
const IMPORTED = '(import)';

/** `hscc import`: prints a config document, every resource the app has, that plans as no-op. */
export async function runImport(options: ImportOptions, runtime: Runtime): Promise<CommandResult> {
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
  const phoneNumbers = secret === undefined || webhookUrlOf(app) === undefined ? [] : await numbersFromWebhook(options, app, secret, runtime);

  const { document, yaml } = importedDocument(app, phoneNumbers);
  // HubSpot may hold what hscc's rules refuse (a blank name, an http: URL, a
  // number that is not E.164): the document is still printed, as Terraform
  // writes generated config that needs fixing, but the run says so and fails.
  const parsed = await parseConfigText(yaml, IMPORTED, { env: {}, strict: false });
  const diagnostics = [...parsed.diagnostics, ...secretFindings(yaml, runtime.env)].sort((a, b) => a.line - b.line || a.column - b.column);
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

/**
 * Where the printed document holds a credential's value (a webhook URL that
 * carries the key, say): output shows it as [REDACTED], which would plan as
 * an update to the literal text, so the run fails there, at the value.
 */
function secretFindings(yaml: string, env: Runtime['env']): Diagnostic[] {
  const scrub = createScrubber(secretValuesFrom(env));
  if (scrub(yaml) === yaml) return [];
  const finding = (line: number, column: number, path: string): Diagnostic =>
    createDiagnostic({
      code: 'holds-secret',
      severity: 'error',
      file: IMPORTED,
      line,
      column,
      path,
      message: `HubSpot's value holds a credential's value, printed as ${REDACTED}: the document would plan an update to that text`,
      hint: 'take the credential out of this setting in HubSpot (a URL should carry no key or token), then import again',
    });
  const doc = parseDocument(yaml);
  const findings: Diagnostic[] = [];
  let offset = 0;
  for (const [index, line] of yaml.split('\n').entries()) {
    const scrubbed = scrub(line);
    const at = scrubbed.indexOf(REDACTED);
    if (scrubbed !== line && at >= 0) findings.push(finding(index + 1, at + 1, formatYamlPath(pathAtOffset(doc, offset + at))));
    offset += line.length + 1;
  }
  // A value folded across lines: the whole document, then.
  return findings.length > 0 ? findings : [finding(1, 1, '')];
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
