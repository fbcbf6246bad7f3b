import { LineCounter, isScalar, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import { isRecord } from '../is-record.js';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { expandEnv } from './expand-env.js';
import type { Finding } from './finding.js';
import type { AppConfig, ApiVersion, Ensure, ManagedSettings, PhoneNumberConfig } from './model.js';
import { loadPhoneLibrary, type PhoneLibrary } from './phone-number.js';
import { semanticFindings } from './rules.js';
import { appIdFinding, schemaFindings } from './schema-findings.js';
import { locateNode, pathAtOffset, scalarSource } from './yaml-locate.js';
import { formatYamlPath, type PathSegment } from './yaml-path.js';

export interface ParseConfigOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Report every warning as an error. */
  strict: boolean;
}

/** What one config file declares, and what is wrong with it. */
export interface ParsedConfigFile {
  /** One per document that has no error, in document order. */
  apps: AppConfig[];
  /** Sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * Alias expansions allowed per document before it is refused as a
 * resource-exhaustion attack ("billion laughs"); real configs use few.
 */
export const MAX_ALIAS_COUNT = 100;

/** The shape a document has once the schema accepted it (appId expanded). */
interface AppDocument {
  appId: number;
  apiVersion?: ApiVersion;
  ensure?: Ensure;
  defaultRegion?: string;
  settings?: ManagedSettings;
  phoneNumbers?: PhoneNumberConfig[];
}

/**
 * The per-file pipeline, without file-system access: YAML (several
 * documents, one app each) → `${VAR}` expansion from `options.env` → JSON
 * Schema → semantic rules. Never throws on bad input: every problem is a
 * diagnostic with a 1-based line and column in `text` and a YAML path.
 * `file` is only used to label diagnostics.
 */
export async function parseConfigText(text: string, file: string, options: ParseConfigOptions): Promise<ParsedConfigFile> {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const severityOf = (severity: Severity): Severity => (options.strict ? 'error' : severity);
  // `offset` null: a whole-file problem, reported at 1:1.
  const diagnostic = (
    offset: number | null,
    path: string,
    code: string,
    severity: Severity,
    message: string,
    hint?: string,
  ): Diagnostic => {
    const { line, col } = offset === null ? { line: 1, col: 1 } : lineCounter.linePos(offset);
    const base = { code, severity: severityOf(severity), file, line, column: col, path, message };
    return hint === undefined ? base : { ...base, hint };
  };
  const wholeFile = (code: string, message: string, hint?: string): ParsedConfigFile => ({
    apps: [],
    diagnostics: [diagnostic(null, '', code, 'error', message, hint)],
  });

  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    // yaml recurses on nesting; pathological input can exhaust the stack.
    return wholeFile('yaml-syntax', `cannot parse the YAML: ${errorMessage(error)}`);
  }
  const declared = documents.filter((doc) => doc.errors.length > 0 || !isEmptyDocument(doc));
  if (declared.length === 0) {
    return wholeFile(
      'empty-file',
      'the file declares no app (it is empty or holds only comments)',
      'add a document such as: appId: 1234567',
    );
  }

  const apps: AppConfig[] = [];
  for (const doc of declared) {
    for (const error of doc.errors) diagnostics.push(yamlDiagnostic(doc, error, 'error'));
    for (const warning of doc.warnings) diagnostics.push(yamlDiagnostic(doc, warning, 'warning'));
    if (doc.errors.length > 0) continue;

    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const aliases = error instanceof ReferenceError && /alias/i.test(error.message);
      diagnostics.push(
        aliases
          ? diagnostic(null, '', 'alias-limit', 'error', `the document expands more than ${MAX_ALIAS_COUNT} aliases; refusing it as a resource-exhaustion attack`)
          : diagnostic(null, '', 'yaml-syntax', 'error', `cannot read the YAML: ${errorMessage(error)}`),
      );
      continue;
    }

    const { findings, value } = await documentFindings(raw, doc, options.env);
    const locate = (finding: Finding): Diagnostic =>
      diagnostic(
        locateNode(doc, finding.segments, finding.at).offset,
        formatYamlPath(finding.segments),
        finding.code,
        finding.severity,
        finding.message,
        finding.hint,
      );
    const located = findings.map(locate);
    diagnostics.push(...located);
    if (located.every((d) => d.severity !== 'error')) apps.push(toAppConfig(value, doc, file, lineCounter));
  }

  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { apps, diagnostics };

  function yamlDiagnostic(doc: Document.Parsed, error: YAMLError, severity: Severity): Diagnostic {
    const offset = error.pos[0];
    if (error.code === 'DUPLICATE_KEY') {
      const path = pathAtOffset(doc, offset);
      const key = path[path.length - 1];
      const what = key === undefined ? 'this key' : `key \`${key}\``;
      return diagnostic(offset, formatYamlPath(path), 'duplicate-key', severity, `${what} is already defined in this mapping`);
    }
    return diagnostic(offset, '', severity === 'error' ? 'yaml-syntax' : 'yaml-warning', severity, firstLine(error.message));
  }
}

/** Findings of one document plus the expanded value they were computed on. */
interface DocumentFindings {
  findings: Finding[];
  value: unknown;
}

async function documentFindings(
  raw: unknown,
  doc: Document.Parsed,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DocumentFindings> {
  const expansion = expandEnv(raw, env);
  const skip = new Set(expansion.failedPaths);
  const findings: Finding[] = [...expansion.findings];
  const sourceOf = (segments: PathSegment[]): string | undefined => scalarSource(locateNode(doc, segments, 'value'));

  let data = expansion.value;
  if (isRecord(data) && typeof data.appId === 'string' && expansion.expandedPaths.has('appId') && !skip.has('appId')) {
    // A value from the environment is text; appId must end up an integer.
    if (/^\d{1,10}$/.test(data.appId)) data = { ...data, appId: Number(data.appId) };
    else {
      findings.push(appIdFinding(data.appId, sourceOf(['appId'])));
      skip.add('appId');
    }
  }

  findings.push(...schemaFindings(data, skip, sourceOf));
  if (isRecord(data)) {
    const phone = needsPhoneLibrary(data) ? await loadPhoneLibrary() : undefined;
    findings.push(...semanticFindings(data, { failedPaths: skip, phone }));
  }
  return { findings, value: data };
}

function needsPhoneLibrary(data: Readonly<Record<string, unknown>>): boolean {
  return (Array.isArray(data.phoneNumbers) && data.phoneNumbers.length > 0) || typeof data.defaultRegion === 'string';
}

/** Precondition: `value` passed the schema and every rule without error. */
function toAppConfig(value: unknown, doc: Document.Parsed, file: string, lineCounter: LineCounter): AppConfig {
  const app = value as AppDocument;
  const ensure = app.ensure ?? 'present';
  const { line, col } = lineCounter.linePos(locateNode(doc, ['appId'], 'value').offset);
  return {
    appId: app.appId,
    apiVersion: app.apiVersion ?? 'v3',
    ensure,
    settings:
      ensure === 'present' && app.settings !== undefined
        ? { url: app.settings.url, isReady: app.settings.isReady }
        : null,
    // toJS built these objects for this call and the schema allows no other keys.
    phoneNumbers: app.phoneNumbers ?? [],
    source: { file, line, column: col },
  };
}

/** A document with nothing but comments, e.g. after a trailing `---`. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null && contents.source === '');
}


function firstLine(message: string): string {
  // yaml recurses per nesting level; say what the user can change.
  if (/maximum call stack/i.test(message)) return 'the YAML is nested too deeply';
  return message.split('\n', 1)[0] ?? message;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? firstLine(error.message) : String(error);
}
