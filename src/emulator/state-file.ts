// The `--state FILE` edge: the only emulator module that touches the disk.
import { randomUUID } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { EmulatorStateInput, EmulatorStateJson } from './store.js';
import { parseEmulatorState } from './validation.js';

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function assertWritableDirectory(path: string): void {
  const directory = dirname(path);
  try {
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const reason = errorCode(error) === 'ENOENT' ? 'does not exist' : `cannot be written (${errorCode(error) ?? 'error'})`;
    throw new UserError(`cannot keep the emulator state in ${path}: its directory ${directory} ${reason}.`, {
      hint: 'create the directory, or give --state a path in one that exists.',
    });
  }
}

/**
 * Reads a state file. A missing file is an empty state, if its directory
 * can take it (checked now, not at the first write); an unreadable,
 * non-JSON or wrongly shaped one is a UserError naming the file and the
 * problem, so a typo never silently resets someone's state.
 */
export function readStateFile(path: string): EmulatorStateInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      // A file to be created: its directory must take it, or every write would fail later.
      assertWritableDirectory(path);
      return { apps: {} };
    }
    const reason = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
    throw new UserError(`cannot read the emulator state file ${path} (${reason}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError(`the emulator state file ${path} is not valid JSON: ${detail}`, {
      hint: 'fix the file, or delete it to start with an empty state.',
    });
  }
  const parsed = parseEmulatorState(json);
  if (!parsed.ok) {
    throw new UserError(`the emulator state file ${path} is not an emulator state: ${parsed.problem}`, {
      hint: 'expected {"apps": {"<appId>": {"<resource name>": {...fields}}}}; fix the file or delete it.',
    });
  }
  return parsed.state;
}

/** The temp-file name of one write: hidden, beside the target, unique per write. */
function tempNameOf(path: string): string {
  return `.${basename(path)}.${randomUUID()}.tmp`;
}

const TEMP_SUFFIX = /^\.(.+)\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temp files that writes of `path` left behind when the process
 * died mid-write (`kill -9`). Only names {@link writeStateFile} makes for
 * this very file are touched. A directory that cannot be listed is left to
 * the first read or write to report.
 */
export function removeStaleTempFiles(path: string): void {
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (TEMP_SUFFIX.exec(name)?.[1] === basename(path)) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Writes the state atomically and durably: the whole document goes to a temp
 * file in the same directory, which is fsynced, then renamed over the target,
 * and the directory is fsynced, so a crash at any point leaves either the old
 * or the new file, whole. `scrub` runs over every string value (never a
 * key, so appIds stay appIds), so a credential a client wrote into a field
 * never reaches the disk. Throws the file system's error.
 */
export function writeStateFile(path: string, state: EmulatorStateJson, scrub: (text: string) => string = (text) => text): void {
  const temp = join(dirname(path), tempNameOf(path));
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      // Values only: an appId key that happens to equal a short test key must stay an appId.
      const data = Buffer.from(`${JSON.stringify(state, (_key, value: unknown) => (typeof value === 'string' ? scrub(value) : value), 2)}\n`);
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dirname(path));
}

/** Makes the rename itself durable; some file systems refuse to fsync a directory, which is harmless here. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL/EPERM on some platforms: the data itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
