import { readdir as readdirCallback, realpath as realpathCallback, type Dirent } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_CONFIG_FILE, type AppConfig, type LoadConfigOptions, type LoadedConfig } from './model.js';
import { FILE_TOO_LARGE_HINT, MAX_CONFIG_BYTES, parseConfigText, tooLargeMessage } from './parse-config.js';

/** A file a pattern matched, or why the match cannot be read. */
type Match = { file: string; real: string } | { file: string; problem: Diagnostic };

/**
 * Loads every config input: expands `options.patterns` (a literal existing
 * file as is, a directory as its *.yaml / *.yml files, anything else as a
 * fast-glob pattern relative to `options.cwd`), reads and parses each file
 * once (two paths to one file, through symbolic links or not, are one
 * input), then checks across files that no appId is declared twice. Never
 * touches the network; never throws on bad input — unreadable files and
 * patterns that match nothing are error diagnostics at 1:1 with path "".
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const patterns = options.patterns.length > 0 ? options.patterns : [DEFAULT_CONFIG_FILE];
  const inputDiagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const problems = new Map<string, Diagnostic>();
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const expanded = await expandPattern(pattern, options.cwd);
    if ('problem' in expanded) {
      inputDiagnostics.push(expanded.problem);
      continue;
    }
    for (const match of expanded.matches) {
      // "a.yaml", "./a.yaml" and a link to it are one input.
      const key = 'real' in match ? match.real : resolve(options.cwd, match.file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(match.file);
      if ('problem' in match) problems.set(match.file, match.problem);
    }
  }

  const texts = await Promise.all(
    files.map((file) => problems.get(file) ?? readText(file, resolve(options.cwd, file))),
  );
  const perFile: Diagnostic[][] = [];
  const apps: AppConfig[] = [];
  for (const [index, file] of files.entries()) {
    const text = texts[index];
    if (typeof text !== 'string') {
      perFile.push([text as Diagnostic]);
      continue;
    }
    const parsed = await parseConfigText(text, file, { env: options.env, strict: options.strict });
    perFile.push(parsed.diagnostics);
    for (const app of parsed.apps) apps.push(app);
  }

  const firstDeclaration = new Map<number, AppConfig>();
  for (const app of apps) {
    const first = firstDeclaration.get(app.appId);
    if (first === undefined) {
      firstDeclaration.set(app.appId, app);
      continue;
    }
    const bucket = perFile[files.indexOf(app.source.file)];
    bucket?.push(
      createDiagnostic({
        code: 'duplicate-app-id',
        severity: 'error',
        file: app.source.file,
        line: app.source.line,
        column: app.source.column,
        path: 'appId',
        message: `appId ${app.appId} is already declared at ${first.source.file}:${first.source.line}`,
        hint: 'declare each app once across all inputs',
      }),
    );
    bucket?.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  for (const list of [inputDiagnostics, ...perFile]) {
    for (const d of list) (d.severity === 'error' ? errors : warnings).push(d);
  }
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

/** Files a pattern names, relative to cwd as given, sorted for determinism; or why it names none. */
async function expandPattern(pattern: string, cwd: string): Promise<{ matches: Match[] } | { problem: Diagnostic }> {
  // resolve() would read '' as the working directory, then report on that.
  if (pattern.trim() === '') {
    return { problem: wholeFile(`'${pattern}'`, 'empty-path', 'the path argument is empty', 'an unset variable gives this (hscc plan "$CONFIG"); pass a file, a directory or a glob') };
  }
  const path = resolve(cwd, pattern);
  const kind = await statKind(path);
  if (kind === 'file') return { matches: [(await classify(pattern, path)) as Match] };
  if (kind === 'loop') return { problem: wholeFile(pattern, 'symlink-loop', SYMLINK_LOOP, SYMLINK_LOOP_HINT) };
  if (typeof kind === 'object') return { problem: unreadablePath(pattern, kind.code) };
  // fast-glob is loaded only when needed: the default input is a literal file.
  const { default: fg } = await import('fast-glob');
  // The root directory (`/`, `//`) has no name left once its slashes go.
  const directory = pattern.replace(/\/+$/, '');
  const glob = kind === 'directory' ? `${directory === '' ? '' : fg.escapePath(directory)}/*.{yaml,yml}` : pattern;
  let entries: string[];
  try {
    entries = await fg(glob, {
      cwd,
      // Symlinks are reported, not filtered: each is classified below, so a
      // link loop or a dangling link is an error rather than silently skipped.
      onlyFiles: false,
      dot: false,
      followSymbolicLinks: true,
      fs: { readdir: readdirOncePerDirectory() } as never,
    });
  } catch (error) {
    // A directory on the way that cannot be listed (EACCES, ENOTDIR…): said, never a crash.
    return { problem: unreadablePath(pattern, errorCode(error) ?? 'error') };
  }
  const matches: Match[] = [];
  for (const entry of entries.sort()) {
    const match = await classify(entry, resolve(cwd, entry));
    if (match !== 'directory') matches.push(match);
  }
  if (matches.length > 0) return { matches };
  if (kind === 'directory') return { problem: await emptyDirectory(pattern, path) };
  return { problem: noMatch(pattern) };
}

/**
 * fast-glob's directory reader, listing each real directory once: a
 * symbolic link back to an ancestor (a loop) then reads as empty, so a walk
 * through links ends, and every file is found through one path only.
 */
function readdirOncePerDirectory(): (...args: unknown[]) => void {
  const listed = new Set<string>();
  return (...args: unknown[]) => {
    const path = args[0] as string;
    const callback = args[args.length - 1] as (error: NodeJS.ErrnoException | null, entries?: Dirent[]) => void;
    const options = args.length > 2 ? (args[1] as { withFileTypes: true }) : { withFileTypes: true as const };
    realpathCallback(path, (error, real) => {
      if (error === null) {
        if (listed.has(real)) {
          callback(null, []);
          return;
        }
        listed.add(real);
      }
      readdirCallback(path, options, callback);
    });
  };
}

/** A matched path as a file to read (by its real path), a directory to skip, or a problem. */
async function classify(file: string, absolute: string): Promise<Match | 'directory'> {
  try {
    const stats = await stat(absolute);
    if (stats.isDirectory()) return 'directory';
    if (stats.size > MAX_CONFIG_BYTES) return { file, problem: wholeFile(file, 'file-too-large', tooLargeMessage(stats.size), FILE_TOO_LARGE_HINT) };
    // A pipe (`<(cat a.yaml)`, /dev/stdin) opens, but its link names no path (`pipe:[123]`): it is its own input.
    const real = await realpath(absolute).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT' && !stats.isFile()) return absolute;
      throw error;
    });
    return { file, real };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return { file, problem: wholeFile(file, 'symlink-loop', SYMLINK_LOOP, SYMLINK_LOOP_HINT) };
    if (code === 'ENOENT') {
      return { file, problem: wholeFile(file, 'read-failed', 'cannot read the file: it is a symbolic link to nothing (ENOENT)', 'fix or remove the link') };
    }
    return { file, problem: wholeFile(file, 'read-failed', `cannot read the file: ${code ?? String(error)}`) };
  }
}

const SYMLINK_LOOP = 'cannot read the file: it is a symbolic link that leads back to itself (ELOOP)';
const SYMLINK_LOOP_HINT = 'point the link at a real file, or remove it';

/** What a path argument names; `missing` may still be a glob. */
async function statKind(path: string): Promise<'file' | 'directory' | 'missing' | 'loop' | { code: string }> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() ? 'directory' : 'file';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return 'loop';
    // A path through a file, or one too long, names nothing a glob could match either.
    if (code === 'ENOTDIR' || code === 'ENAMETOOLONG') return { code };
    // A link to nothing names a file, as under a glob: classify() says what is wrong with it.
    const link = await lstat(path).catch(() => undefined);
    return link?.isSymbolicLink() === true ? 'file' : 'missing';
  }
}

const UNREADABLE_REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENAMETOOLONG: 'the path is too long',
  EACCES: 'permission denied',
};

function unreadablePath(pattern: string, code: string): Diagnostic {
  return wholeFile(pattern, 'read-failed', `cannot read the path: ${UNREADABLE_REASONS[code] ?? 'it cannot be read'} (${code})`);
}

/**
 * The file's text, read to at most MAX_CONFIG_BYTES + 1 bytes (a device or
 * FIFO has no size to check first), strictly as UTF-8 without its BOM:
 * text in another encoding is refused, never decoded into U+FFFD that
 * apply would write to HubSpot.
 */
async function readText(file: string, path: string): Promise<string | Diagnostic> {
  let bytes: Buffer;
  try {
    bytes = await readAtMost(path, MAX_CONFIG_BYTES + 1);
  } catch (error) {
    return wholeFile(file, 'read-failed', `cannot read the file: ${errorCode(error) ?? (error instanceof Error ? error.message : String(error))}`);
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    // Only what stat() could not size gets here: a device, a pipe, a file still growing.
    const message = `the file holds more than ${MAX_CONFIG_BYTES / (1024 * 1024)} MiB (reading stopped there; a device or a pipe may never end); hscc reads config files of at most ${MAX_CONFIG_BYTES / (1024 * 1024)} MiB`;
    return wholeFile(file, 'file-too-large', message, FILE_TOO_LARGE_HINT);
  }
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16 || bytes.includes(0)) {
    // YAML allows no NUL; a file full of them is UTF-16 without its mark, or not text at all.
    const what = utf16 ? 'the file is UTF-16' : 'the file holds NUL bytes (UTF-16 without a byte order mark, or not text)';
    return wholeFile(file, 'invalid-encoding', `cannot read the file: ${what}; hscc reads UTF-8`, SAVE_AS_UTF8);
  }
  try {
    // fatal: a byte that is not UTF-8 throws; the BOM, which editors hide, is dropped so columns match theirs.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at);
    const line = before.filter((byte) => byte === 0x0a).length + 1;
    const column = new TextDecoder().decode(before.subarray(before.lastIndexOf(0x0a) + 1)).length + 1;
    const byte = `0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}`;
    return createDiagnostic({
      code: 'invalid-encoding',
      severity: 'error',
      file,
      line,
      column,
      path: '',
      message: `the file is not UTF-8: byte ${byte} here does not decode (a Latin-1 or Windows-1252 file?)`,
      hint: SAVE_AS_UTF8,
    });
  }
}

const SAVE_AS_UTF8 = "save the file as UTF-8 (in most editors: 'Save with Encoding' → UTF-8)";

/** Reads at most `limit` bytes of a file, whatever it is (a device or FIFO never ends). */
async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    while (size < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - size));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      size += bytesRead;
    }
    return Buffer.concat(chunks, size);
  } finally {
    await handle.close();
  }
}

/** Offset of the first byte that does not decode as UTF-8. Precondition: `bytes` does not decode. */
function firstInvalidUtf8(bytes: Buffer): number {
  // The longest prefix that decodes, an incomplete last character allowed (stream: true): a binary search.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, middle), { stream: true });
      good = middle;
    } catch {
      bad = middle;
    }
  }
  // The prefix may end inside the character that went wrong (Latin-1 "é " is a lead byte then a space): report its lead byte.
  for (let back = 1; back <= 3 && good - back >= 0; back++) {
    const byte = bytes[good - back] as number;
    if (byte >= 0xc0) return good - back;
    if (byte < 0x80) break;
  }
  return good;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `no-match` for a directory without *.yaml / *.yml files, naming its subdirectories when it has some. */
async function emptyDirectory(pattern: string, path: string): Promise<Diagnostic> {
  let subdirectories: string[] = [];
  try {
    const entries = await readdir(path, { withFileTypes: true });
    subdirectories = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  } catch {
    // Unreadable: say what we know, that no config file was found.
  }
  const base = pattern.replace(/\/+$/, '');
  if (subdirectories.length === 0) {
    return wholeFile(pattern, 'no-match', 'the directory holds no *.yaml or *.yml file');
  }
  const shown = subdirectories.slice(0, 3).join(', ') + (subdirectories.length > 3 ? ', …' : '');
  return wholeFile(
    pattern,
    'no-match',
    `the directory holds no *.yaml or *.yml file, only subdirectories (${shown}); a directory argument is not searched recursively`,
    `pass a glob such as '${base}/**/*.yaml', or the subdirectory itself`,
  );
}

function noMatch(pattern: string): Diagnostic {
  const literal = !/[*?[\]{}()!]/.test(pattern);
  return literal
    ? wholeFile(pattern, 'no-match', 'no such file', pattern === DEFAULT_CONFIG_FILE ? 'create it, or pass paths or globs' : undefined)
    : wholeFile(pattern, 'no-match', 'the glob matches no file');
}

function wholeFile(file: string, code: string, message: string, hint?: string): Diagnostic {
  return createDiagnostic({ code, severity: 'error', file, line: 1, column: 1, path: '', message, ...(hint === undefined ? {} : { hint }) });
}
