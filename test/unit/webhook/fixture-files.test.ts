import { describe, expect, it } from 'vitest';
import { compareFixtureFiles, diffFixtureFile, parseFixturePath } from '../../../src/webhook/fixture-files.js';

describe('parseFixturePath', () => {
  it('reads the ids of the three kinds of fixture file and nothing else', () => {
    expect(parseFixturePath('12.json')).toEqual({ appId: 12 });
    expect(parseFixturePath('12/portals/4.json')).toEqual({ appId: 12, portalId: 4 });
    expect(parseFixturePath('12/portals/4/users/9.json')).toEqual({ appId: 12, portalId: 4, userId: 9 });
    // hscc never writes an id with a leading zero: such files are someone else's, never deleted as ours.
    for (const other of ['notes.json', '12.json.bak', '12/portals.json', '12/portals/4/users.json', '12/other/4.json', 'a/12.json', '012.json', '12/portals/04.json', '12/portals/4/users/0009.json', '0.json']) {
      expect(parseFixturePath(other)).toBeUndefined();
    }
  });
});

describe('compareFixtureFiles', () => {
  const expected = new Map([
    ['2.json', 'two\n'],
    ['10.json', 'ten\n'],
    ['3.json', 'three\n'],
    ['3/portals/8.json', 'portal\n'],
    ['3/portals/8/users/1.json', 'user\n'],
  ]);
  const onDisk = new Map([
    ['2.json', 'two\n'],
    ['3.json', 'old three\n'],
    ['3/portals/8/users/1.json', 'user\n'],
    ['3/portals/9.json', 'removed portal\n'],
    ['99.json', 'another environment\n'],
    ['99/portals/1.json', 'another environment\n'],
    ['notes.json', 'not ours\n'],
  ]);
  const declaredAppIds = new Set([2, 3, 10, 4]);

  it('classifies every file of declared apps and sorts by app, portal, user', () => {
    const result = compareFixtureFiles(expected, onDisk, { declaredAppIds, prune: false });
    expect(result.map((r) => [r.path, r.state])).toEqual([
      ['2.json', 'up-to-date'],
      ['3.json', 'stale'],
      ['3/portals/8.json', 'missing'],
      ['3/portals/8/users/1.json', 'up-to-date'],
      ['3/portals/9.json', 'unexpected'],
      ['10.json', 'missing'],
    ]);
  });

  it('leaves files of apps not declared in this run alone unless pruning', () => {
    const kept = compareFixtureFiles(expected, onDisk, { declaredAppIds, prune: false });
    expect(kept.some((r) => r.appId === 99)).toBe(false);
    const pruned = compareFixtureFiles(expected, onDisk, { declaredAppIds, prune: true });
    expect(pruned.filter((r) => r.appId === 99).map((r) => [r.path, r.state])).toEqual([
      ['99.json', 'unexpected'],
      ['99/portals/1.json', 'unexpected'],
    ]);
    expect(pruned.some((r) => r.path === 'notes.json')).toBe(false);
  });

  it('diffs like git, /dev/null standing for the absent side', () => {
    const result = compareFixtureFiles(expected, onDisk, { declaredAppIds, prune: false });
    const find = (path: string) => {
      const found = result.find((r) => r.path === path);
      if (found === undefined) throw new Error(path);
      return found;
    };
    const staleDiff = diffFixtureFile('fixtures/3.json', find('3.json'));
    expect(staleDiff.startsWith('--- fixtures/3.json\ton disk\n')).toBe(true);
    expect(staleDiff).toContain('+++ fixtures/3.json\tfrom config');
    expect(staleDiff).toContain('-old three\n+three\n');
    expect(diffFixtureFile('fixtures/10.json', find('10.json'))).toMatch(/--- \/dev\/null[^\n]*\n\+\+\+ fixtures\/10\.json[^\n]*\n@@ -0,0 \+1,1 @@\n\+ten\n/);
    expect(diffFixtureFile('fixtures/3/portals/9.json', find('3/portals/9.json'))).toMatch(/--- fixtures\/3\/portals\/9\.json[^\n]*\n\+\+\+ \/dev\/null[^\n]*\n@@ -1,1 \+0,0 @@\n-removed portal\n/);
  });
});
