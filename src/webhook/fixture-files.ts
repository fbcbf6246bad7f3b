// Pure comparison of the fixtures a config calls for with those on disk.
import { createTwoFilesPatch } from 'diff';
import { FIXTURE_FILE_PATTERN } from './fixture.js';

/** How one fixture file relates to the config. */
export type FixtureFileState = 'up-to-date' | 'stale' | 'missing' | 'unexpected';

export interface FixtureFileComparison {
  /** `<appId>.json`. */
  name: string;
  appId: number;
  state: FixtureFileState;
  /** What the config calls for; null for an unexpected file. */
  expected: string | null;
  /** What is on disk; null for a missing file. */
  actual: string | null;
}

/**
 * Pairs the expected fixtures (file name → content) with the fixture-named
 * files on disk (file name → content), sorted by appId. Files on disk whose
 * names are not `<digits>.json` are ignored: they are not ours.
 */
export function compareFixtureFiles(
  expected: ReadonlyMap<string, string>,
  onDisk: ReadonlyMap<string, string>,
): FixtureFileComparison[] {
  const result: FixtureFileComparison[] = [];
  for (const [name, content] of expected) {
    const actual = onDisk.get(name);
    const state: FixtureFileState = actual === undefined ? 'missing' : actual === content ? 'up-to-date' : 'stale';
    result.push({ name, appId: appIdOf(name), state, expected: content, actual: actual ?? null });
  }
  for (const [name, content] of onDisk) {
    if (!expected.has(name) && FIXTURE_FILE_PATTERN.test(name)) {
      result.push({ name, appId: appIdOf(name), state: 'unexpected', expected: null, actual: content });
    }
  }
  return result.sort((a, b) => a.appId - b.appId || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function appIdOf(name: string): number {
  return Number.parseInt(name, 10);
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
