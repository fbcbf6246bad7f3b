// `hscc fixtures`: write (or, with --check, verify) the webhook response
// fixtures of every app whose channel connection is present:
// DIR/<appId>.json, DIR/<appId>/portals/<portalId>.json and
// DIR/<appId>/portals/<portalId>/users/<userId>.json. Rendering and
// comparison are pure (webhook/); this file only reads and writes DIR.
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { lstat, mkdir, readFile, readdir, realpath, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { escapeControlCharactersByLine, escapeJsonControls } from '../control-characters.js';
import { UserError } from '../errors.js';
import type { AppConfig } from '../config/model.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import { compareFixtureFiles, diffFixtureFile, ID_DIRECTORY, ID_FILE, type FixtureFileComparison } from '../webhook/fixture-files.js';
import { renderAppFixtures } from '../webhook/fixture.js';
import { readConfigForCommand } from './config-input.js';
import type { LoadApps } from '../webhook/load-apps.js';
import type { FixturesOptions } from './options.js';

/** Per-file outcome: write mode gives written/unchanged/deleted; --check the rest. */
export type FixtureFileStatus = 'written' | 'unchanged' | 'deleted' | 'stale' | 'missing' | 'unexpected';

/** One entry of `fixtures --json`. */
export interface FixtureFileJson {
  appId: number;
  portalId?: number;
  userId?: number;
  /** As shown to the user: --out-dir joined with the file's relative path. */
  path: string;
  status: FixtureFileStatus;
  /** --check only: the unified diff from disk to config. */
  diff?: string;
}

/** The `fixtures --json` document. */
export interface FixturesJson {
  outDir: string;
  check: boolean;
  prune: boolean;
  files: FixtureFileJson[];
  /** False when --check found a stale, missing or unexpected file. */
  ok: boolean;
}

/**
 * hscc writes no secret to a file: a declared number whose text holds a
 * credential's value (whole, or cut to HubSpot's 24 characters in the file)
 * stops the run before anything is written.
 */
function refuseSecrets(apps: readonly AppConfig[], runtime: Runtime): void {
  const scrub = createScrubber(secretValuesFrom(runtime.env));
  const holding = apps.filter((app) => {
    const numbers = JSON.stringify([app.phoneNumbers, app.portals]);
    return scrub(numbers) !== numbers;
  });
  if (holding.length === 0) return;
  const where = holding.map(({ appId, source }) => `app ${appId} (${source.file}:${source.line}:${source.column})`).join(', ');
  throw new UserError(`cannot write the fixtures: the phone numbers of ${where} hold a credential's value, and hscc writes no secret to a file.`, {
    hint: 'keep credentials out of phone number fields (a friendlyName, say).',
  });
}

/**
 * Runs `hscc fixtures`; exit 1 when --check finds a difference. Files of
 * apps not declared in this run are left alone unless --prune. Every
 * filesystem failure is a UserError naming the path and the errno.
 */
export async function runFixtures(options: FixturesOptions, runtime: Runtime, loadApps: LoadApps = readConfigForCommand): Promise<CommandResult> {
  const loaded = await loadApps(options, runtime);
  const { prune } = options;
  const expected = new Map<string, string>();
  const invalid: string[] = [];
  for (const app of loaded.apps) {
    const rendered = renderAppFixtures(app);
    if (!rendered.ok) invalid.push(...rendered.errors);
    else for (const file of rendered.files) expected.set(file.path, file.text);
  }
  if (invalid.length > 0) {
    throw new UserError(`fixtures do not match the webhook response schema:\n${invalid.join('\n')}`);
  }
  if (!options.check) refuseSecrets(loaded.apps, runtime);
  const declaredAppIds = new Set(loaded.apps.map((app) => app.appId));

  const dir = resolve(runtime.cwd, options.outDir);
  const shown = (relative: string): string => join(options.outDir, relative);
  const onDisk = await readFixtureTree(dir, shown, (appId) => prune || declaredAppIds.has(appId));
  const comparisons = compareFixtureFiles(expected, onDisk, { declaredAppIds, prune });
  const files: FixtureFileJson[] = options.check
    ? comparisons.map((c) => checkEntry(c, shown(c.path)))
    : await writeFixtures(dir, comparisons, shown);
  const ok = files.every((f) => f.status === 'unchanged' || f.status === 'written' || f.status === 'deleted');

  if (options.json) {
    const document: FixturesJson = { outDir: options.outDir, check: options.check, prune, files, ok };
    // Diffs quote config text: escape what JSON.stringify leaves raw, as every JSON document.
    runtime.stdout.write(`${escapeJsonControls(JSON.stringify(document, null, 2))}\n`);
  } else {
    // Diffs quote the config and files on disk, paths the --out-dir given: control characters shown escaped.
    runtime.stdout.write(escapeControlCharactersByLine(options.check ? renderCheckText(files, options.outDir, prune) : renderWriteText(files, options.outDir)));
  }
  return { exitCode: ok ? 0 : 1 };
}

function ids(c: FixtureFileComparison): Pick<FixtureFileJson, 'appId' | 'portalId' | 'userId'> {
  return {
    appId: c.appId,
    ...(c.portalId === undefined ? {} : { portalId: c.portalId }),
    ...(c.userId === undefined ? {} : { userId: c.userId }),
  };
}

function checkEntry(c: FixtureFileComparison, path: string): FixtureFileJson {
  if (c.state === 'up-to-date') return { ...ids(c), path, status: 'unchanged' };
  return { ...ids(c), path, status: c.state, diff: diffFixtureFile(path, c) };
}

/** What an errno means, for messages like "cannot write fixtures/1.json: it is a directory (EISDIR)." */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'a file is in the way',
  ELOOP: 'too many symbolic links',
};

/** Runs one filesystem step; an errno becomes a UserError naming what failed and where. */
async function fsStep<T>(what: string, shownPath: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const text = ERRNO_TEXT[code];
    throw new UserError(`cannot ${what} ${shownPath}: ${text === undefined ? code : `${text} (${code})`}.`, {
      hint: 'check --out-dir and the permissions of the fixtures directory',
      cause: error,
    });
  }
}

/** Writes only what changed (atomically: temp file, then rename) and removes unexpected files. */
async function writeFixtures(
  dir: string,
  comparisons: readonly FixtureFileComparison[],
  shown: (relative: string) => string,
): Promise<FixtureFileJson[]> {
  const files: FixtureFileJson[] = [];
  const emptied = new Set<string>();
  for (const c of comparisons) {
    const target = join(dir, c.path);
    const entry = { ...ids(c), path: shown(c.path) };
    if (c.state === 'up-to-date') {
      files.push({ ...entry, status: 'unchanged' });
    } else if (c.state === 'unexpected') {
      // `fixtures` then `fixtures --check` must pass, so a fixture the
      // config no longer calls for (of an app declared here, or with --prune) goes.
      await fsStep('remove', entry.path, () => unlink(target));
      emptied.add(dirname(target));
      files.push({ ...entry, status: 'deleted' });
    } else {
      await fsStep('create the directory for', entry.path, () => mkdir(dirname(target), { recursive: true }));
      const destination = await writeTarget(target);
      const temp = join(dirname(destination), `.${c.path.replaceAll('/', '_')}.${randomBytes(6).toString('hex')}.tmp`);
      await fsStep('write', entry.path, () => writeFile(temp, c.expected ?? ''));
      try {
        await fsStep('write', entry.path, () => rename(temp, destination));
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      files.push({ ...entry, status: 'written' });
    }
  }
  await removeEmptyDirs(dir, emptied);
  return files;
}

/** Removes directories that deleting fixtures left empty, up to (not including) `root`. */
async function removeEmptyDirs(root: string, dirs: ReadonlySet<string>): Promise<void> {
  // Deepest first, so a users/ directory goes before its portal's.
  const queue = [...dirs].sort((a, b) => b.length - a.length);
  const done = new Set<string>();
  for (let current of queue) {
    while (current !== root && current.startsWith(root) && !done.has(current)) {
      done.add(current);
      try {
        await rmdir(current);
      } catch {
        break; // not empty (someone else's files) or already gone: leave it
      }
      current = dirname(current);
    }
  }
}

/**
 * The fixture-named files under `dir` (relative path → content): `<appId>.json`
 * and the portal and user files under `<appId>/portals/`, for the apps
 * `owns` accepts; none when `dir` does not exist. Other entries are ignored.
 */
async function readFixtureTree(
  dir: string,
  shown: (relative: string) => string,
  owns: (appId: number) => boolean,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const top = await listDir(dir, shown('.'));
  const read = async (relative: string): Promise<void> => {
    files.set(relative, await fsStep('read', shown(relative), () => readFile(join(dir, relative), 'utf8')));
  };
  for (const entry of top) {
    const appFile = ID_FILE.exec(entry.name);
    if (appFile !== null && entry.isFile() && owns(Number(appFile[1]))) await read(entry.name);
    if (!(ID_DIRECTORY.test(entry.name) && entry.isDirectory() && owns(Number(entry.name)))) continue;
    const portalsDir = `${entry.name}/portals`;
    for (const portal of await listDir(join(dir, portalsDir), shown(portalsDir))) {
      if (ID_FILE.test(portal.name) && portal.isFile()) await read(`${portalsDir}/${portal.name}`);
      if (!(ID_DIRECTORY.test(portal.name) && portal.isDirectory())) continue;
      const usersDir = `${portalsDir}/${portal.name}/users`;
      for (const user of await listDir(join(dir, usersDir), shown(usersDir))) {
        if (ID_FILE.test(user.name) && user.isFile()) await read(`${usersDir}/${user.name}`);
      }
    }
  }
  return files;
}

/** A directory entry, a symbolic link counted as what it points at (writes go through links too). */
interface TreeEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** A directory's entries sorted by name; none when it does not exist. */
async function listDir(path: string, shownPath: string): Promise<TreeEntry[]> {
  let entries: Dirent[];
  try {
    entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return fsStep('read the fixtures directory', shownPath, () => Promise.reject(error));
  }
  return Promise.all(
    entries.map(async (entry): Promise<TreeEntry> => {
      if (!entry.isSymbolicLink()) return entry;
      // A dangling or looping link is neither: ignored, as other entries are.
      const target = await stat(join(path, entry.name)).catch(() => undefined);
      return { name: entry.name, isFile: () => target?.isFile() === true, isDirectory: () => target?.isDirectory() === true };
    }),
  );
}

/** Where writing `path` lands: through a symbolic link to its file, so the link stays. */
async function writeTarget(path: string): Promise<string> {
  const link = await lstat(path).catch(() => undefined);
  return link?.isSymbolicLink() === true ? realpath(path).catch(() => path) : path;
}

function renderWriteText(files: readonly FixtureFileJson[], outDir: string): string {
  if (files.length === 0) return `No apps with a channel connection; no fixtures in ${outDir}.\n`;
  const lines = files.map((f) => `${f.status.padEnd(9)} ${f.path}`);
  const count = (status: FixtureFileStatus): number => files.filter((f) => f.status === status).length;
  lines.push(`Fixtures in ${outDir}: ${count('written')} written, ${count('unchanged')} unchanged, ${count('deleted')} deleted.`);
  return `${lines.join('\n')}\n`;
}

function renderCheckText(files: readonly FixtureFileJson[], outDir: string, prune: boolean): string {
  const differing = files.filter((f) => f.diff !== undefined);
  if (differing.length === 0) return `All ${files.length} fixtures in ${outDir} are up to date.\n`;
  const count = (status: FixtureFileStatus): number => differing.filter((f) => f.status === status).length;
  // Files of undeclared apps only go with --prune: the fix must be the command that removes them.
  const fix = prune && count('unexpected') > 0 ? 'hscc fixtures --prune' : 'hscc fixtures';
  const summary =
    `${differing.length} fixture file(s) in ${outDir} differ from the config ` +
    `(${count('stale')} stale, ${count('missing')} missing, ${count('unexpected')} unexpected); ` +
    `run \`${fix}\` to update them.`;
  return `${differing.map((f) => f.diff).join('')}${summary}\n`;
}
