import { Composer, LineCounter, Parser, isAlias, isMap, isNode, isScalar, isSeq, visit, type Document, type YAMLError } from 'yaml';
import { createDiagnostic, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { isRecord } from '../is-record.js';
import { RESOURCES, type Fields, type FieldValue } from '../resources/index.js';
import { expandEnv } from './expand-env.js';
import type { Finding } from './finding.js';
import { scalarTypeAt } from './keys.js';
import {
  defaultAuthFor,
  type ApiVersion,
  type AppConfig,
  type AuthMode,
  type DesiredResource,
  type PhoneNumberConfig,
  type PortalNumbersConfig,
} from './model.js';
import { loadPhoneLibrary } from './phone-number.js';
import { semanticFindings } from './rules.js';
import { mergeMissingKeys, schemaFindings } from './schema-findings.js';
import { keyName, locateNode, pathAtOffset, scalarSource } from './yaml-locate.js';
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

/**
 * The largest config file read, in bytes (UTF-8) or UTF-16 units of `text`.
 * A calling app's config is a few KiB; 130,000 numbers take about 8.5 MiB.
 * Beyond this, parsing would take many seconds and hundreds of MB, so the
 * file is refused with `file-too-large` instead.
 */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** The shape a document has once the schema and rules accepted it. */
interface AppDocument {
  appId: number;
  apiVersion?: ApiVersion;
  auth?: AuthMode;
  ensure?: 'present' | 'absent';
  phoneNumbers?: PhoneNumberConfig[];
  portals?: Record<string, { phoneNumbers?: PhoneNumberConfig[]; users?: Record<string, { phoneNumbers: PhoneNumberConfig[] }> }>;
  [block: string]: unknown;
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
    const base = { code, severity: severityOf(severity), file, line, column: Math.max(1, col), path, message };
    return createDiagnostic(hint === undefined ? base : { ...base, hint });
  };
  const wholeFile = (code: string, message: string, hint?: string): ParsedConfigFile => ({
    apps: [],
    diagnostics: [diagnostic(null, '', code, 'error', message, hint)],
  });

  if (text.length > MAX_CONFIG_BYTES) return wholeFile('file-too-large', tooLargeMessage(text.length), FILE_TOO_LARGE_HINT);

  // Documents are checked as they are composed and then dropped: a fleet's
  // file never holds every document tree at once (less memory, far less GC).
  const parser = new Parser(lineCounter.addNewLine);
  // yaml's own uniqueKeys check is quadratic in a mapping's size; duplicates are found below in one pass.
  const documents = new Composer({ prettyErrors: false, uniqueKeys: false }).compose(parser.parse(text));
  let declaredAny = false;
  const apps: AppConfig[] = [];
  for (;;) {
    let next: IteratorResult<Document.Parsed>;
    try {
      next = documents.next();
    } catch (error) {
      // yaml recurses on nesting; pathological input can exhaust the stack.
      return wholeFile('yaml-syntax', `cannot parse the YAML: ${errorMessage(error)}`);
    }
    if (next.done === true) break;
    const doc = next.value;
    if (doc.errors.length === 0 && isEmptyDocument(doc)) continue;
    declaredAny = true;
    // Every diagnostic of the document goes through report(): any error, a yaml
    // warning under --strict included, withholds its app.
    let hasError = false;
    const report = (found: Diagnostic): void => {
      if (found.severity === 'error') hasError = true;
      diagnostics.push(found);
    };
    // The first syntax error only: what yaml finds after it mostly follows from it.
    const [firstError] = doc.errors;
    if (firstError !== undefined) report(yamlDiagnostic(doc, firstError, 'error', doc.errors.length - 1));
    for (const warning of doc.warnings) report(yamlDiagnostic(doc, warning, 'warning'));
    if (hasError) continue;

    const structure = structureProblems(doc);
    if (structure === 'too-deep') {
      report(diagnostic(null, '', 'yaml-syntax', 'error', 'cannot read the YAML: the YAML is nested too deeply'));
      continue;
    }
    for (const offset of structure.duplicateKeys) {
      const path = pathAtOffset(doc, offset);
      const key = path[path.length - 1];
      const what = key === undefined ? 'this key' : `key \`${key}\``;
      report(diagnostic(offset, formatYamlPath(path), 'duplicate-key', 'error', `${what} is already defined in this mapping`));
    }
    // An error at a node: its path is where the offset falls.
    const errorAtOffset = (offset: number, code: string, message: string, hint: string) =>
      report(diagnostic(offset, formatYamlPath(pathAtOffset(doc, offset)), code, 'error', message, hint));
    for (const alias of structure.unresolvedAliases) {
      errorAtOffset(alias.offset, 'undefined-alias', `the alias *${alias.name} refers to no anchor`, `define &${alias.name} before this alias, or fix its name`);
    }
    // Rules and schema see only plain data: a Map or Set would pass as an empty mapping, its content unchecked.
    for (const exotic of structure.exoticValues) {
      errorAtOffset(exotic.offset, 'invalid-type', `this value is ${exotic.what}, which no config field takes: hscc reads plain mappings, lists and scalars`, exotic.hint);
    }
    if (hasError) continue;

    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const aliases = error instanceof ReferenceError && /excessive alias count/i.test(error.message);
      // At the document, not the file: in a fleet's file the first line is another app.
      const start = doc.contents?.range[0] ?? doc.range[0];
      report(
        aliases
          ? diagnostic(
              start,
              '',
              'alias-limit',
              'error',
              `the document expands more than ${MAX_ALIAS_COUNT} aliases; refusing it as a resource-exhaustion attack`,
              'every use of an alias counts, times the aliases inside what it refers to: write shared values out in full, or split the app across fewer aliases',
            )
          : yamlReadFailure(doc, error, start),
      );
      continue;
    }

    let result: DocumentFindings;
    try {
      result = await documentFindings(raw, doc, options.env);
    } catch (error) {
      // Only a value nested deeper than the stack allows gets here.
      if (!(error instanceof RangeError)) throw error;
      report(diagnostic(null, '', 'yaml-syntax', 'error', 'cannot read the YAML: the YAML is nested too deeply'));
      continue;
    }
    for (const finding of result.findings) {
      report(
        diagnostic(
          locateNode(doc, finding.segments, finding.at).offset,
          formatYamlPath(finding.segments),
          finding.code,
          finding.severity,
          finding.message,
          finding.hint,
        ),
      );
    }
    if (!hasError) apps.push(toAppConfig(result.value as AppDocument, doc, file, lineCounter));
  }
  if (!declaredAny) {
    return wholeFile(
      'empty-file',
      'the file declares no app (it is empty or holds only comments)',
      'add a document such as: appId: 1234567',
    );
  }

  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { apps, diagnostics };

  /** A document yaml parsed but could not turn into data: at the merge key whose source is not a mapping, else at the document. */
  function yamlReadFailure(doc: Document.Parsed, error: unknown, start: number): Diagnostic {
    const merge = /merge sources/i.test(errorMessage(error)) ? badMergeSource(doc) : undefined;
    if (merge === undefined) return diagnostic(start, '', 'yaml-syntax', 'error', `cannot read the YAML: ${errorMessage(error)}`);
    return diagnostic(
      merge,
      formatYamlPath(pathAtOffset(doc, merge)),
      'yaml-syntax',
      'error',
      'cannot read the YAML: `<<` merges mappings only, and this is not one',
      'point `<<` at a mapping or an alias of one (`<<: *defaults`), or a list of them',
    );
  }

  function yamlDiagnostic(doc: Document.Parsed, error: YAMLError, severity: Severity, errorsAfter = 0): Diagnostic {
    const offset = error.pos[0];
    if (error.code === 'TAG_RESOLVE_FAILED') {
      // e.g. `!!float 1234567`: the YAML 1.2 core schema reads no float there, so the value stays a string.
      // The error spans the tag; the value's node (and so its path) starts after it and its spaces.
      const tagEnd = error.pos[1];
      const path = pathAtOffset(doc, tagEnd + (/^[ \t]*/.exec(text.slice(tagEnd, tagEnd + 256))?.[0].length ?? 0));
      const tag = /tag:yaml\.org,2002:(\w+)/.exec(error.message)?.[1];
      const name = tag === undefined ? 'this tag' : `\`!!${tag}\``;
      return diagnostic(
        offset,
        formatYamlPath(path),
        'yaml-warning',
        severity,
        `${name} does not apply to this value, which is read as a string`,
        'remove the tag; quote phone numbers, write integers such as appId without quotes or tags',
      );
    }
    const quote = error.code === 'MISSING_CHAR' ? /^Missing closing (["'])quote/.exec(error.message)?.[1] : undefined;
    const opened = quote === undefined ? undefined : unclosedStringStart(doc, offset);
    if (opened !== undefined) {
      // yaml reports where the string ran out (often the end of the file); the mistake is where it opens.
      return diagnostic(
        opened,
        formatYamlPath(pathAtOffset(doc, opened)),
        'yaml-syntax',
        severity,
        `the string that starts here has no closing ${quote as string}`,
        `add the closing ${quote as string}: everything from here to ${text.length === offset ? 'the end of the file' : `line ${lineCounter.linePos(offset).line}`} was read as this one string`,
      );
    }
    const after = errorsAfter === 0 ? '' : `; ${errorsAfter} more syntax ${errorsAfter === 1 ? 'error follows' : 'errors follow'} in this document, most likely from this one`;
    const hint = severity === 'error' ? `${syntaxHint(error, text, offset)}${after}` : undefined;
    return diagnostic(offset, formatYamlPath(pathAtOffset(doc, offset)), severity === 'error' ? 'yaml-syntax' : 'yaml-warning', severity, firstLine(error.message), hint);
  }
}

/** What to try for a syntax error yaml words in its own terms (its code, and the line it is on). */
function syntaxHint(error: YAMLError, text: string, offset: number): string {
  if (error.code === 'TAB_AS_INDENT') return 'indent with spaces: YAML allows no tab in indentation';
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  const line = text.slice(start, end < 0 ? text.length : end);
  // `{url: ${URL}}`: in flow style `{` opens a mapping, so the reference must be quoted.
  // indexOf, not /[{[].*\$\{/: that regex is quadratic on a long line of brackets.
  const open = line.search(/[{[]/);
  if (open >= 0 && line.includes('${', open)) return 'quote a ${VAR} inside { } or [ ]: write "${VAR}"';
  return 'check the indentation and quoting on this line and the one above it';
}

/** Where the quoted scalar that runs out at `end` opens, if there is one. */
function unclosedStringStart(doc: Document.Parsed, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === end) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

/** Offset of the first `<<` value that is not a mapping, an alias of one, or a list of those. */
function badMergeSource(doc: Document.Parsed): number | undefined {
  const isMapSource = (node: unknown): boolean => isMap(node) || (isAlias(node) && isMap(node.resolve(doc)));
  let found: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      // yaml's one Symbol key is the YAML 1.1 merge key; a `<<` string under 1.2 merges nothing.
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') return undefined;
      const value = pair.value;
      if (isMapSource(value) || (isSeq(value) && value.items.every(isMapSource))) return undefined;
      found = isNode(value) ? (value.range?.[0] ?? pair.key.range?.[0]) : pair.key.range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

/** Hint for a `file-too-large` finding. */
export const FILE_TOO_LARGE_HINT = 'split the apps across several files (a directory or a glob loads them all)';

/** The `file-too-large` message, for a size in bytes (or UTF-16 units). */
export function tooLargeMessage(size: number): string {
  const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `the file is too large (${mib(size)}); hscc reads config files of at most ${mib(MAX_CONFIG_BYTES)}`;
}

/** What makes a parsed document unreadable as data: repeated keys and aliases to nothing. */
interface StructureProblems {
  /** Offsets of each key that repeats an earlier key of its mapping. */
  duplicateKeys: number[];
  unresolvedAliases: Array<{ name: string; offset: number }>;
  /**
   * Values yaml builds as something other than plain data: `!!omap` (a
   * Map), `!!set` (a Set), `!!binary` (bytes), `!!timestamp` or a date under
   * YAML 1.1 (a Date).
   */
  exoticValues: Array<{ offset: number; what: string; hint: string }>;
}

const OMAP_TAG = 'tag:yaml.org,2002:omap';
const SET_TAG = 'tag:yaml.org,2002:set';

const REMOVE_THE_TAG = 'remove the tag';

function exoticScalar(value: unknown): { what: string; hint: string } {
  return value instanceof Date
    ? { what: 'a date (`!!timestamp`, or a date under `%YAML 1.1`)', hint: 'quote the value to keep it text' }
    : { what: 'binary data (`!!binary`)', hint: REMOVE_THE_TAG };
}

/**
 * One pass over the document in source order. Keys are compared as the
 * data sees them (`42` and `"42"` are one key: toJS would silently merge
 * them); an alias needs its anchor earlier in the document. Linear in the
 * document's size (yaml's `uniqueKeys` and `Alias.resolve` are quadratic).
 */
function structureProblems(doc: Document.Parsed): StructureProblems | 'too-deep' {
  const duplicateKeys: number[] = [];
  const unresolvedAliases: Array<{ name: string; offset: number }> = [];
  const exoticValues: Array<{ offset: number; what: string; hint: string }> = [];
  const anchors = new Set<string>();
  // A plain walk: yaml's visit() builds a frozen path array for every node.
  // Scalars, most of the nodes, are told apart first.
  const walk = (node: unknown): void => {
    if (isScalar(node)) {
      if (node.anchor !== undefined) anchors.add(node.anchor);
      if (typeof node.value === 'object' && node.value !== null) exoticValues.push({ offset: node.range?.[0] ?? 0, ...exoticScalar(node.value) });
      return;
    }
    if (isAlias(node)) {
      if (!anchors.has(node.source)) unresolvedAliases.push({ name: node.source, offset: node.range?.[0] ?? 0 });
      return;
    }
    if (!isNode(node)) return;
    if (node.anchor !== undefined) anchors.add(node.anchor);
    if (node.tag === OMAP_TAG || node.tag === SET_TAG) {
      exoticValues.push({ offset: node.range?.[0] ?? 0, what: node.tag === OMAP_TAG ? 'an ordered map (`!!omap`)' : 'a set (`!!set`)', hint: REMOVE_THE_TAG });
      return;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const name = keyName(key.value);
          if (seen.has(name)) duplicateKeys.push(key.range?.[0] ?? 0);
          seen.add(name);
          if (key.anchor !== undefined) anchors.add(key.anchor);
        } else {
          walk(key);
        }
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  try {
    walk(doc.contents);
  } catch (error) {
    if (error instanceof RangeError) return 'too-deep';
    throw error;
  }
  return { duplicateKeys, unresolvedAliases, exoticValues };
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
  const expansion = expandEnv(raw, env, scalarTypeAt);
  const skip = new Set(expansion.failedPaths);
  const data = expansion.value;
  const sourceOf = (segments: PathSegment[]) => scalarSource(locateNode(doc, segments, 'value'));

  const schema = schemaFindings(data, skip, sourceOf);
  // A value the schema rejected is not checked again by the rules.
  for (const finding of schema) if (finding.at === 'value') skip.add(formatYamlPath(finding.segments));
  let findings: Finding[] = [...expansion.findings];
  for (const finding of schema) findings.push(finding);
  if (isRecord(data)) {
    const phone = needsPhoneLibrary(data) ? await loadPhoneLibrary() : undefined;
    for (const finding of semanticFindings(data, { failedPaths: skip, phone })) findings.push(finding);
  }
  findings = mergeMissingKeys(findings);
  if (expansion.variablesAt.size > 0) findings = findings.map((finding) => namingVariables(finding, expansion.variablesAt));
  return { findings, value: data };
}

/**
 * A problem with a value that came from the environment names the variable
 * (an empty or invalid expansion reads as the variable's fault, not the file's).
 */
function namingVariables(finding: Finding, variablesAt: ReadonlyMap<string, string[]>): Finding {
  if (finding.at !== 'value' || finding.code === 'undefined-variable') return finding;
  const names = variablesAt.get(formatYamlPath(finding.segments));
  if (names === undefined) return finding;
  const unique = [...new Set(names)];
  const which = unique.length === 1 ? `environment variable ${unique[0]}` : `environment variables ${unique.join(', ')}`;
  return { ...finding, message: `${finding.message} (from ${which})`, hint: finding.hint ?? `check ${unique.join(', ')}` };
}

function needsPhoneLibrary(data: Readonly<Record<string, unknown>>): boolean {
  if (typeof data.defaultRegion === 'string') return true;
  if (Array.isArray(data.phoneNumbers) && data.phoneNumbers.length > 0) return true;
  return isRecord(data.portals) && Object.keys(data.portals).length > 0;
}

/** Precondition: `app` passed the schema and every rule without error. */
function toAppConfig(app: AppDocument, doc: Document.Parsed, file: string, lineCounter: LineCounter): AppConfig {
  const { line, col } = lineCounter.linePos(locateNode(doc, ['appId'], 'value').offset);
  const apiVersion = app.apiVersion ?? 'v3';
  const resources: Partial<Record<(typeof RESOURCES)[number]['name'], DesiredResource>> = {};
  for (const resource of RESOURCES) {
    const block = app[resource.configKey];
    const ensure = resource.ensureAt === 'top-level' ? app.ensure : resource.ensureAt === 'block' && isRecord(block) ? block.ensure : undefined;
    if (ensure === 'absent') resources[resource.name] = { ensure: 'absent' };
    else if (isRecord(block)) {
      const fields: Record<string, FieldValue> = {};
      for (const field of resource.fields) fields[field.name] = block[field.name] as FieldValue;
      resources[resource.name] = { ensure: 'present', fields: fields as Fields };
    }
  }
  const portals: PortalNumbersConfig[] = Object.entries(app.portals ?? {})
    .map(([portalId, portal]) => ({
      portalId: Number(portalId),
      ...(portal.phoneNumbers === undefined ? {} : { phoneNumbers: portal.phoneNumbers }),
      users: Object.entries(portal.users ?? {})
        .map(([userId, user]) => ({ userId: Number(userId), phoneNumbers: user.phoneNumbers }))
        .sort((a, b) => a.userId - b.userId),
    }))
    .sort((a, b) => a.portalId - b.portalId);
  return {
    appId: app.appId,
    apiVersion,
    auth: app.auth ?? defaultAuthFor(apiVersion),
    resources,
    // toJS built these objects for this call and the schema allows no other keys.
    phoneNumbers: app.phoneNumbers ?? [],
    portals,
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
