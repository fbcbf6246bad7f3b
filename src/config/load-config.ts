import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_CONFIG_FILE, type AppConfig, type LoadConfigOptions, type LoadedConfig } from './model.js';
import { parseConfigText } from './parse-config.js';

/**
 * Loads every config input: expands `options.patterns` (a literal existing
 * file as is, a directory as its *.yaml / *.yml files, anything else as a
 * fast-glob pattern relative to `options.cwd`), reads and parses each file,
 * then checks across files that no appId is declared twice. Never touches
 * the network; never throws on bad input — unreadable files and patterns that
 * match nothing are error diagnostics at 1:1 with path "".
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const patterns = options.patterns.length > 0 ? options.patterns : [DEFAULT_CONFIG_FILE];
  const inputDiagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const matched = await expandPattern(pattern, options.cwd);
    if (matched.length === 0) inputDiagnostics.push(noMatch(pattern));
    for (const file of matched) {
      // "a.yaml" and "./a.yaml" are one input.
      const absolute = resolve(options.cwd, file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      files.push(file);
    }
  }

  const texts = await Promise.all(files.map((file) => readText(resolve(options.cwd, file))));
  const perFile: Diagnostic[][] = [];
  const apps: AppConfig[] = [];
  for (const [index, file] of files.entries()) {
    const text = texts[index];
    if (typeof text !== 'string') {
      perFile.push([wholeFile(file, 'read-failed', `cannot read the file: ${text?.reason ?? 'unknown error'}`)]);
      continue;
    }
    const parsed = await parseConfigText(text, file, { env: options.env, strict: options.strict });
    perFile.push(parsed.diagnostics);
    apps.push(...parsed.apps);
  }

  const firstDeclaration = new Map<number, AppConfig>();
  for (const app of apps) {
    const first = firstDeclaration.get(app.appId);
    if (first === undefined) {
      firstDeclaration.set(app.appId, app);
      continue;
    }
    const bucket = perFile[files.indexOf(app.source.file)];
    bucket?.push({
      code: 'duplicate-app-id',
      severity: 'error',
      file: app.source.file,
      line: app.source.line,
      column: app.source.column,
      path: 'appId',
      message: `appId ${app.appId} is already declared at ${first.source.file}:${first.source.line}`,
      hint: 'declare each app once across all inputs',
    });
    bucket?.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  const diagnostics = [...inputDiagnostics, ...perFile.flat()];
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const sorted = errors.length > 0 ? [] : [...apps].sort((a, b) => a.appId - b.appId);
  return { apps: sorted, files, errors, warnings };
}

/**
 * Errors and warnings merged in reading order: inputs that matched nothing
 * first, then by file (load order), line and column.
 */
export function diagnosticsInFileOrder(loaded: Pick<LoadedConfig, 'errors' | 'warnings' | 'files'>): Diagnostic[] {
  const rank = new Map(loaded.files.map((file, index) => [file, index]));
  return [...loaded.errors, ...loaded.warnings].sort(
    (a, b) => (rank.get(a.file) ?? -1) - (rank.get(b.file) ?? -1) || a.line - b.line || a.column - b.column,
  );
}

/** Files a pattern names, relative to cwd as given, sorted for determinism. */
async function expandPattern(pattern: string, cwd: string): Promise<string[]> {
  const kind = await statKind(resolve(cwd, pattern));
  if (kind === 'file') return [pattern];
  // fast-glob is loaded only when needed: the default input is a literal file.
  const { default: fg } = await import('fast-glob');
  const glob = kind === 'directory' ? `${fg.escapePath(pattern.replace(/\/+$/, ''))}/*.{yaml,yml}` : pattern;
  const matches = await fg(glob, { cwd, onlyFiles: true, dot: false, followSymbolicLinks: true });
  return matches.sort();
}

async function statKind(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

async function readText(path: string): Promise<string | { reason: string }> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { reason: typeof code === 'string' ? code : error instanceof Error ? error.message : String(error) };
  }
}

function noMatch(pattern: string): Diagnostic {
  const literal = !/[*?[\]{}()!]/.test(pattern);
  return literal
    ? wholeFile(pattern, 'no-match', 'no such file', pattern === DEFAULT_CONFIG_FILE ? 'create it, or pass paths or globs' : undefined)
    : wholeFile(pattern, 'no-match', 'the glob matches no file');
}

function wholeFile(file: string, code: string, message: string, hint?: string): Diagnostic {
  return { code, severity: 'error', file, line: 1, column: 1, path: '', message, ...(hint === undefined ? {} : { hint }) };
}
