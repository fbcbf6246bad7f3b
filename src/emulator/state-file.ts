// The `--state FILE` edge: the only emulator module that touches the disk.
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { EmulatorStateInput, EmulatorStateJson } from './store.js';
import { parseEmulatorState } from './validation.js';

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Reads a state file. A missing file is an empty state; an unreadable,
 * non-JSON or wrongly shaped one is a UserError naming the file and the
 * problem, so a typo never silently resets someone's state.
 */
export function readStateFile(path: string): EmulatorStateInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { apps: {} };
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
      hint: 'expected {"apps": {"<appId>": {"url": "...", "isReady": true}}}; fix the file or delete it.',
    });
  }
  return parsed.state;
}

/**
 * Writes the state atomically: a temp file in the same directory, then a
 * rename over the target, so a crash leaves either the old or the new file.
 * Throws the file system's error.
 */
export function writeStateFile(path: string, state: EmulatorStateJson): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
