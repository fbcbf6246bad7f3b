import { describe, expect, it } from 'vitest';
import { compareFixtureFiles, diffFixtureFile } from '../../../src/webhook/fixture-files.js';

describe('compareFixtureFiles', () => {
  const expected = new Map([
    ['2.json', 'two\n'],
    ['10.json', 'ten\n'],
    ['3.json', 'three\n'],
  ]);
  const onDisk = new Map([
    ['2.json', 'two\n'],
    ['3.json', 'old three\n'],
    ['99.json', 'gone\n'],
    ['notes.json', 'not ours\n'],
  ]);

  it('classifies every file and sorts by appId', () => {
    const result = compareFixtureFiles(expected, onDisk);
    expect(result.map((r) => [r.name, r.state])).toEqual([
      ['2.json', 'up-to-date'],
      ['3.json', 'stale'],
      ['10.json', 'missing'],
      ['99.json', 'unexpected'],
    ]);
    expect(result.map((r) => r.appId)).toEqual([2, 3, 10, 99]);
  });

  it('diffs like git, /dev/null standing for the absent side', () => {
    const [, stale, missing, unexpected] = compareFixtureFiles(expected, onDisk);
    if (stale === undefined || missing === undefined || unexpected === undefined) throw new Error('expected four entries');
    const staleDiff = diffFixtureFile('fixtures/3.json', stale);
    expect(staleDiff.startsWith('--- fixtures/3.json\ton disk\n')).toBe(true);
    expect(staleDiff).toContain('+++ fixtures/3.json\tfrom config');
    expect(staleDiff).toContain('-old three\n+three\n');
    expect(diffFixtureFile('fixtures/10.json', missing)).toMatch(/--- \/dev\/null[^\n]*\n\+\+\+ fixtures\/10\.json[^\n]*\n@@ -0,0 \+1,1 @@\n\+ten\n/);
    expect(diffFixtureFile('fixtures/99.json', unexpected)).toMatch(/--- fixtures\/99\.json[^\n]*\n\+\+\+ \/dev\/null[^\n]*\n@@ -1,1 \+0,0 @@\n-gone\n/);
  });
});
