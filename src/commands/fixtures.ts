// `hscc fixtures`: write (or, with --check, verify) DIR/<appId>.json for
// every app with ensure: present. Rendering and comparison are pure
// (webhook/); this file only reads and writes the directory.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { compareFixtureFiles, diffFixtureFile, type FixtureFileComparison } from '../webhook/fixture-files.js';
import { FIXTURE_FILE_PATTERN, fixtureFileName, renderFixture } from '../webhook/fixture.js';
import { readConfigForCommand } from './config-input.js';
import type { FixturesOptions } from './options.js';

/** Per-file outcome: write mode gives written/unchanged/deleted; --check the rest. */
export type FixtureFileStatus = 'written' | 'unchanged' | 'deleted' | 'stale' | 'missing' | 'unexpected';

/** One entry of `fixtures --json`. */
export interface FixtureFileJson {
  appId: number;
  /** As shown to the user: --out-dir joined with the file name. */
  path: string;
  status: FixtureFileStatus;
  /** --check only: the unified diff from disk to config. */
  diff?: string;
}

/** The `fixtures --json` document. */
export interface FixturesJson {
  outDir: string;
  check: boolean;
  files: FixtureFileJson[];
  /** False when --check found a stale, missing or unexpected file. */
  ok: boolean;
}

/** Runs `hscc fixtures`; exit 1 when --check finds a difference. */
export async function runFixtures(options: FixturesOptions, runtime: Runtime): Promise<CommandResult> {
  const loaded = await readConfigForCommand(options, runtime);
  const expected = new Map<string, string>();
  const invalid: string[] = [];
  for (const app of loaded.apps) {
    if (app.ensure !== 'present') continue;
    const rendered = renderFixture(app);
    if (rendered.ok) expected.set(fixtureFileName(app.appId), rendered.text);
    else invalid.push(`app ${app.appId}: ${rendered.errors.join('; ')}`);
  }
  if (invalid.length > 0) {
    throw new UserError(`fixtures do not match the webhook response schema:\n${invalid.join('\n')}`);
  }

  const dir = resolve(runtime.cwd, options.outDir);
  const comparisons = compareFixtureFiles(expected, await readFixtureDir(dir, options.outDir));
  const shown = (c: FixtureFileComparison): string => join(options.outDir, c.name);
  const files: FixtureFileJson[] = options.check
    ? comparisons.map((c) => checkEntry(c, shown(c)))
    : await writeFixtures(dir, comparisons, shown);
  const ok = files.every((f) => f.status === 'unchanged' || f.status === 'written' || f.status === 'deleted');

  if (options.json) {
    const document: FixturesJson = { outDir: options.outDir, check: options.check, files, ok };
    runtime.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    runtime.stdout.write(options.check ? renderCheckText(files, options.outDir) : renderWriteText(files, options.outDir));
  }
  return { exitCode: ok ? 0 : 1 };
}

function checkEntry(c: FixtureFileComparison, path: string): FixtureFileJson {
  if (c.state === 'up-to-date') return { appId: c.appId, path, status: 'unchanged' };
  return { appId: c.appId, path, status: c.state, diff: diffFixtureFile(path, c) };
}

/** Writes only what changed (atomically: temp file, then rename) and removes fixtures of undeclared apps. */
async function writeFixtures(
  dir: string,
  comparisons: readonly FixtureFileComparison[],
  shown: (c: FixtureFileComparison) => string,
): Promise<FixtureFileJson[]> {
  if (comparisons.some((c) => c.state === 'missing' || c.state === 'stale')) await mkdir(dir, { recursive: true });
  const files: FixtureFileJson[] = [];
  for (const c of comparisons) {
    const target = join(dir, c.name);
    const entry = { appId: c.appId, path: shown(c) };
    if (c.state === 'up-to-date') {
      files.push({ ...entry, status: 'unchanged' });
    } else if (c.state === 'unexpected') {
      // `fixtures` then `fixtures --check` must pass, so a fixture for an
      // app no longer declared (or now ensure: absent) goes.
      await unlink(target);
      files.push({ ...entry, status: 'deleted' });
    } else {
      const temp = join(dir, `.${c.name}.${randomBytes(6).toString('hex')}.tmp`);
      await writeFile(temp, c.expected ?? '');
      await rename(temp, target);
      files.push({ ...entry, status: 'written' });
    }
  }
  return files;
}

/** The fixture-named files in `dir` (name → content); none when it does not exist. */
async function readFixtureDir(dir: string, shown: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new Map();
    throw new UserError(`cannot read the fixtures directory ${shown}: ${code ?? String(error)}.`, { cause: error });
  }
  const files = new Map<string, string>();
  for (const name of names.filter((n) => FIXTURE_FILE_PATTERN.test(n)).sort()) {
    files.set(name, await readFile(join(dir, name), 'utf8'));
  }
  return files;
}

function renderWriteText(files: readonly FixtureFileJson[], outDir: string): string {
  if (files.length === 0) return `No apps with ensure: present; no fixtures in ${outDir}.\n`;
  const lines = files.map((f) => `${f.status.padEnd(9)} ${f.path}`);
  const count = (status: FixtureFileStatus): number => files.filter((f) => f.status === status).length;
  lines.push(`Fixtures in ${outDir}: ${count('written')} written, ${count('unchanged')} unchanged, ${count('deleted')} deleted.`);
  return `${lines.join('\n')}\n`;
}

function renderCheckText(files: readonly FixtureFileJson[], outDir: string): string {
  const differing = files.filter((f) => f.diff !== undefined);
  if (differing.length === 0) return `All ${files.length} fixtures in ${outDir} are up to date.\n`;
  const count = (status: FixtureFileStatus): number => differing.filter((f) => f.status === status).length;
  const summary =
    `${differing.length} fixture file(s) in ${outDir} differ from the config ` +
    `(${count('stale')} stale, ${count('missing')} missing, ${count('unexpected')} unexpected); ` +
    'run `hscc fixtures` to update them.';
  return `${differing.map((f) => f.diff).join('')}${summary}\n`;
}
