// Pure comparison of the fixtures a config calls for with those on disk.
import { createTwoFilesPatch } from 'diff';

/** How one fixture file relates to the config. */
export type FixtureFileState = 'up-to-date' | 'stale' | 'missing' | 'unexpected';

export interface FixtureFileComparison {
  /** Relative to the fixtures directory, `/`-separated (see fixturePath). */
  path: string;
  appId: number;
  portalId?: number;
  userId?: number;
  state: FixtureFileState;
  /** What the config calls for; null for an unexpected file. */
  expected: string | null;
  /** What is on disk; null for a missing file. */
  actual: string | null;
}

// An id as hscc writes it: config ids are positive integers, never with a
// leading zero, so `042.json` or `01001.json` is someone else's file.
const ID = '[1-9]\\d*';
const FIXTURE_PATH = new RegExp(`^(${ID})(?:\\.json|/portals/(${ID})(?:\\.json|/users/(${ID})\\.json))$`);
/** A directory named by an id (an app's, a portal's). */
export const ID_DIRECTORY = new RegExp(`^${ID}$`);
/** A fixture file named by an id; group 1 is the id. */
export const ID_FILE = new RegExp(`^(${ID})\\.json$`);

/** The ids a fixture path names, or undefined when the path is not one of ours. */
export function parseFixturePath(path: string): { appId: number; portalId?: number; userId?: number } | undefined {
  const match = FIXTURE_PATH.exec(path);
  if (match === null) return undefined;
  const [, app, portal, user] = match;
  return {
    appId: Number(app),
    ...(portal === undefined ? {} : { portalId: Number(portal) }),
    ...(user === undefined ? {} : { userId: Number(user) }),
  };
}

export interface CompareFixtureFilesOptions {
  /** Every appId declared in this run (whatever its channel connection): their files are ours. */
  declaredAppIds: ReadonlySet<number>;
  /** Also report files of apps not declared in this run (else they are left alone). */
  prune: boolean;
}

/**
 * Pairs the expected fixtures (path → content) with the fixture-named files
 * on disk (path → content), sorted by appId, portalId, userId (the app's own
 * file first). A file on disk that the config does not call for is
 * `unexpected` when its app is declared in this run, or with `prune`;
 * otherwise it belongs to another environment sharing the directory and is
 * not listed. Paths that are not fixture paths are ignored.
 */
export function compareFixtureFiles(
  expected: ReadonlyMap<string, string>,
  onDisk: ReadonlyMap<string, string>,
  options: CompareFixtureFilesOptions,
): FixtureFileComparison[] {
  const result: FixtureFileComparison[] = [];
  for (const [path, content] of expected) {
    const ids = parseFixturePath(path);
    if (ids === undefined) continue;
    const actual = onDisk.get(path);
    const state: FixtureFileState = actual === undefined ? 'missing' : actual === content ? 'up-to-date' : 'stale';
    result.push({ path, ...ids, state, expected: content, actual: actual ?? null });
  }
  for (const [path, content] of onDisk) {
    const ids = parseFixturePath(path);
    if (ids === undefined || expected.has(path)) continue;
    if (!options.prune && !options.declaredAppIds.has(ids.appId)) continue;
    result.push({ path, ...ids, state: 'unexpected', expected: null, actual: content });
  }
  return result.sort(
    (a, b) => a.appId - b.appId || (a.portalId ?? -1) - (b.portalId ?? -1) || (a.userId ?? -1) - (b.userId ?? -1),
  );
}

/**
 * A unified diff from the file on disk to what the config calls for;
 * `/dev/null` stands for the missing side, as in `git diff`.
 */
export function diffFixtureFile(displayPath: string, comparison: FixtureFileComparison): string {
  const patch = createTwoFilesPatch(
    comparison.actual === null ? '/dev/null' : displayPath,
    comparison.expected === null ? '/dev/null' : displayPath,
    comparison.actual ?? '',
    comparison.expected ?? '',
    'on disk',
    'from config',
  );
  // The diff package opens with "Index:" and a row of "="; git's format, which reviewers know, has none.
  return patch.replace(/^(?:Index: [^\n]*\n)?=+\n/, '');
}
