import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { hashInputs } from '../../../src/config/input-hash.js';
import { diagnosticsInFileOrder, loadConfig } from '../../../src/config/load-config.js';
import type { LoadConfigOptions } from '../../../src/config/model.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/config');

const app = (id: number) => `appId: ${id}\nensure: absent\n`;

let dirs: TempDir[] = [];
afterEach(() => {
  for (const dir of dirs) dir.remove();
  dirs = [];
});

function dir(files: Record<string, string>): TempDir {
  const created = tempDir(files);
  dirs.push(created);
  return created;
}

function load(cwd: string, patterns: string[], extra: Partial<LoadConfigOptions> = {}) {
  return loadConfig({ patterns, cwd, env: {}, strict: false, ...extra });
}

describe('loadConfig', () => {
  it('reads channel-connection.yaml when no pattern is given', async () => {
    const d = dir({ 'channel-connection.yaml': app(7) });
    const loaded = await load(d.path, []);
    expect(loaded.files).toEqual(['channel-connection.yaml']);
    expect(loaded.apps.map((a) => a.appId)).toEqual([7]);
    expect(loaded.errors).toEqual([]);
  });

  it('no-match for a missing default file, at 1:1 path ""', async () => {
    const loaded = await load(dir({}).path, []);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ code: 'no-match', file: 'channel-connection.yaml', line: 1, column: 1, path: '' }),
    ]);
    expect(loaded.apps).toEqual([]);
  });

  it('expands globs (sorted) and literal paths, once per file, apps sorted by appId', async () => {
    const d = dir({ 'apps/b.yaml': app(30), 'apps/a.yaml': app(20), 'apps/c.yml': app(10), 'root.yaml': app(5) });
    const loaded = await load(d.path, ['apps/*.yaml', 'root.yaml', './apps/a.yaml']);
    expect(loaded.files).toEqual(['apps/a.yaml', 'apps/b.yaml', 'root.yaml']);
    expect(loaded.apps.map((a) => [a.appId, a.source.file])).toEqual([
      [5, 'root.yaml'],
      [20, 'apps/a.yaml'],
      [30, 'apps/b.yaml'],
    ]);
  });

  it('reads a directory as its .yaml and .yml files', async () => {
    const d = dir({ 'apps/a.yaml': app(1), 'apps/b.yml': app(2), 'apps/notes.txt': 'x' });
    expect((await load(d.path, ['apps'])).files).toEqual(['apps/a.yaml', 'apps/b.yml']);
  });

  it('uses an existing literal path as is, even with glob characters in its name', async () => {
    const d = dir({ 'prod [eu].yaml': app(3) });
    const loaded = await load(d.path, ['prod [eu].yaml']);
    expect(loaded.files).toEqual(['prod [eu].yaml']);
    expect(loaded.apps.map((a) => a.appId)).toEqual([3]);
  });

  it('no-match for a glob that matches nothing, while still loading the rest', async () => {
    const d = dir({ 'a.yaml': app(1) });
    const loaded = await load(d.path, ['a.yaml', 'missing/*.yaml']);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ code: 'no-match', file: 'missing/*.yaml', line: 1, column: 1, path: '' }),
    ]);
    expect(loaded.files).toEqual(['a.yaml']);
    expect(loaded.apps).toEqual([]);
  });

  it('duplicate-app-id at the second declaration, naming the first file and line', async () => {
    const d = dir({ 'a.yaml': `# first\n${app(42)}`, 'b.yaml': `${app(1)}---\n${app(42)}` });
    const loaded = await load(d.path, ['*.yaml']);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ code: 'duplicate-app-id', file: 'b.yaml', line: 4, column: 8, path: 'appId' }),
    ]);
    expect(loaded.errors[0]?.message).toContain('a.yaml:2');
    expect(loaded.apps).toEqual([]);
  });

  it('duplicate-app-id within one file', async () => {
    const d = dir({ 'a.yaml': `${app(9)}---\n${app(9)}` });
    expect((await load(d.path, ['a.yaml'])).errors.map((e) => [e.code, e.line])).toEqual([['duplicate-app-id', 4]]);
  });

  it('read-failed, never a crash, for a path through a file or one too long, literal or glob', async () => {
    const d = dir({ 'a.yaml': app(1) });
    const loaded = await load(d.path, ['a.yaml/x.yaml', 'a.yaml/*.yaml', `${'y'.repeat(300)}.yaml`]);
    expect(loaded.errors.map((e) => [e.code, e.file, e.line, e.column, e.message])).toEqual([
      ['read-failed', 'a.yaml/x.yaml', 1, 1, 'cannot read the path: a part of the path is a file, not a directory (ENOTDIR)'],
      ['read-failed', 'a.yaml/*.yaml', 1, 1, 'cannot read the path: a part of the path is a file, not a directory (ENOTDIR)'],
      ['read-failed', `${'y'.repeat(300)}.yaml`, 1, 1, 'cannot read the path: the path is too long (ENAMETOOLONG)'],
    ]);
  });

  it('read-failed for a file that cannot be read', async () => {
    const d = dir({});
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(d.file('sock.yaml'), resolve));
    try {
      const loaded = await load(d.path, ['sock.yaml']);
      expect(loaded.errors).toEqual([expect.objectContaining({ code: 'read-failed', file: 'sock.yaml', line: 1, column: 1, path: '' })]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('splits errors and warnings, and strict makes warnings errors', async () => {
    const d = dir({
      'a.yaml': 'appId: 1\nensure: absent\nphoneNumbers:\n  - e164PhoneNumber: "+14155552671"\n    extension: "1"\n    friendlyName: Desk\n',
    });
    const lenient = await load(d.path, ['a.yaml']);
    expect([lenient.errors.length, lenient.warnings.map((w) => w.code), lenient.apps.length]).toEqual([0, ['phone-extension'], 1]);
    const strict = await load(d.path, ['a.yaml'], { strict: true });
    expect([strict.errors.map((e) => e.code), strict.warnings.length, strict.apps.length]).toEqual([['phone-extension'], 0, 0]);
  });

  it('expands variables from options.env', async () => {
    const d = dir({ 'a.yaml': 'appId: ${ID}\nensure: absent\n' });
    expect((await load(d.path, ['a.yaml'], { env: { ID: '31' } })).apps.map((a) => a.appId)).toEqual([31]);
  });

  it('refuses the billion-laughs fixture without expanding it, at its first line of content', async () => {
    // Expanded, this would be 9^10 strings: the test's timeout is the bound.
    const loaded = await load(FIXTURES, ['billion-laughs.yaml']);
    expect(loaded.errors.map((e) => [e.code, e.line, e.column, e.path])).toEqual([['alias-limit', 2, 1, '']]);
  });

  it('loads the two-apps fixture', async () => {
    const loaded = await load(FIXTURES, ['two-apps.yaml']);
    expect(loaded.errors).toEqual([]);
    expect(loaded.apps.map((a) => [a.appId, a.apiVersion, a.resources['channel-connection']?.ensure])).toEqual([
      [111, 'v3', 'present'],
      [222, '2026-03', 'absent'],
    ]);
  });
});

describe('loadConfig: links, directories and sizes', () => {
  it('a tree of symbolic-link loops under a glob finishes quickly and reads every file once', async () => {
    const d = dir({ 'envs/a/one.yaml': app(1), 'envs/b/two.yaml': app(2) });
    // Each directory links back to both ancestors and to its sibling: without
    // a visited set the walk is exponential and never ends.
    for (const sub of ['a', 'b']) {
      symlinkSync('..', d.file(`envs/${sub}/up`));
      symlinkSync('../..', d.file(`envs/${sub}/top`));
      symlinkSync(sub === 'a' ? '../b' : '../a', d.file(`envs/${sub}/sibling`));
    }
    symlinkSync('one.yaml', d.file('envs/a/again.yaml'));
    const started = performance.now();
    const loaded = await load(d.path, ['envs/**/*.yaml', 'envs/a/one.yaml']);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(loaded.errors).toEqual([]);
    expect(loaded.files).toHaveLength(2);
    expect(loaded.apps.map((a) => a.appId)).toEqual([1, 2]);
  });

  it('a symbolic link to itself is a clear error, literally or under a glob', async () => {
    const d = dir({ 'ok.yaml': app(1) });
    symlinkSync('self.yaml', d.file('self.yaml'));
    for (const pattern of ['self.yaml', '*.yaml']) {
      const loaded = await load(d.path, [pattern]);
      expect(loaded.errors).toEqual([
        expect.objectContaining({ code: 'symlink-loop', file: 'self.yaml', line: 1, column: 1, path: '', message: expect.stringContaining('symbolic link') }),
      ]);
    }
  });

  it('an empty path argument (an unset variable) is its own error, not the working directory', async () => {
    const d = dir({ 'ok.yaml': app(1) });
    for (const pattern of ['', ' ']) {
      const loaded = await load(d.path, ['ok.yaml', pattern]);
      expect(loaded.errors).toEqual([expect.objectContaining({ code: 'empty-path', file: `'${pattern}'`, message: 'the path argument is empty', hint: expect.stringContaining('unset variable') })]);
    }
  });

  it('a dangling link is the same error named directly or under a glob, not silently skipped', async () => {
    const d = dir({ 'ok.yaml': app(1) });
    symlinkSync('gone.yaml', d.file('dangling.yaml'));
    for (const pattern of ['*.yaml', 'dangling.yaml']) {
      const { errors } = await load(d.path, [pattern]);
      expect(errors.map((e) => [e.code, e.file, e.message])).toEqual([['read-failed', 'dangling.yaml', 'cannot read the file: it is a symbolic link to nothing (ENOENT)']]);
    }
  });

  it('a directory holding only subdirectories says so, and how to load them', async () => {
    const d = dir({ 'envs/prod/a.yaml': app(1), 'envs/staging/b.yaml': app(2) });
    const loaded = await load(d.path, ['envs']);
    expect(loaded.errors).toEqual([expect.objectContaining({ code: 'no-match', file: 'envs', line: 1, column: 1, path: '' })]);
    expect(loaded.errors[0]?.message).toContain('only subdirectories (prod, staging)');
    expect(loaded.errors[0]?.hint).toContain("'envs/**/*.yaml'");
    mkdirSync(d.file('empty'));
    expect((await load(d.path, ['empty'])).errors[0]?.message).toBe('the directory holds no *.yaml or *.yml file');
  });

  it('a 50 MB config is one file-too-large error without reading it', async () => {
    const d = dir({ 'ok.yaml': app(1) });
    writeFileSync(d.file('huge.yaml'), '');
    truncateSync(d.file('huge.yaml'), 50 * 1024 * 1024);
    const started = performance.now();
    const loaded = await load(d.path, ['*.yaml']);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ code: 'file-too-large', file: 'huge.yaml', line: 1, column: 1, path: '', message: expect.stringContaining('50.0 MiB') }),
    ]);
  });
});

describe('encodings', () => {
  const bytesFile = (d: TempDir, name: string, bytes: Buffer) => writeFileSync(d.file(name), bytes);

  it.each([
    ['Latin-1 ü', Buffer.from('appId: 1\nensure: absent\nx: "M\xfcnchen"\n', 'latin1'), 3, 6, '0xfc'],
    // 0xe9 then a space: the lead byte of a character that never completes, not the space, is the culprit.
    ['Windows-1252 é', Buffer.from('appId: 1\ncalling:\n  name: Caf\xe9 Phone\n', 'latin1'), 3, 12, '0xe9'],
  ])('%s: invalid-encoding at the byte, never U+FFFD written on', async (_name, bytes, line, column, byte) => {
    const d = dir({});
    bytesFile(d, 'a.yaml', bytes);
    const loaded = await load(d.path, ['a.yaml']);
    expect(loaded.apps).toEqual([]);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ code: 'invalid-encoding', line, column, path: '', message: expect.stringContaining(`byte ${byte} here does not decode`), hint: expect.stringContaining('UTF-8') }),
    ]);
  });

  it('UTF-16, with or without its byte order mark, is named as such', async () => {
    const d = dir({});
    const text = 'appId: 1\nensure: absent\n';
    bytesFile(d, 'le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    bytesFile(d, 'bare.yaml', Buffer.from(text, 'utf16le'));
    const loaded = await load(d.path, ['le.yaml', 'bare.yaml']);
    expect(loaded.errors.map((e) => [e.file, e.code, e.message])).toEqual([
      ['le.yaml', 'invalid-encoding', 'cannot read the file: the file is UTF-16; hscc reads UTF-8'],
      ['bare.yaml', 'invalid-encoding', 'cannot read the file: the file holds NUL bytes (UTF-16 without a byte order mark, or not text); hscc reads UTF-8'],
    ]);
  });

  it("a UTF-8 byte order mark, which editors hide, does not move line 1's columns", async () => {
    const d = dir({});
    bytesFile(d, 'bom.yaml', Buffer.from('\ufeffappId: 12x\nensure: absent\n', 'utf8'));
    const loaded = await load(d.path, ['bom.yaml']);
    expect(loaded.errors.map((e) => [e.line, e.column, e.path])).toEqual([[1, 8, 'appId']]);
  });

  it.runIf(process.platform === 'linux')('a link to a device that never ends is read to the limit only: file-too-large', async () => {
    const d = dir({ 'ok.yaml': app(1) });
    symlinkSync('/dev/zero', d.file('zero.yaml'));
    const loaded = await load(d.path, ['*.yaml']);
    expect(loaded.errors).toEqual([expect.objectContaining({ code: 'file-too-large', file: 'zero.yaml', message: expect.stringContaining('reading stopped there') })]);
  });
});

describe('the calling-extension fixture', () => {
  it('loads every resource, the portals and the auth of each app, strictly valid', async () => {
    const loaded = await load(FIXTURES, ['calling-extension.yaml'], { strict: true, env: { CALLING_READY: 'false' } });
    expect([...loaded.errors, ...loaded.warnings]).toEqual([]);
    expect(loaded.apps.map((a) => [a.appId, a.apiVersion, a.auth, Object.keys(a.resources).sort()])).toEqual([
      [3000001, '2026-03', 'access-token', ['calling-settings', 'channel-connection', 'recording-settings']],
      [3000002, 'v3', 'access-token', ['calling-settings']],
    ]);
    const [full, callingOnly] = loaded.apps;
    const calling = full?.resources['calling-settings'];
    expect(calling?.ensure === 'present' ? calling.fields.isReady : undefined).toBe(false);
    expect(full?.portals).toEqual([
      { portalId: 4242, phoneNumbers: [{ e164PhoneNumber: '+442079460958', friendlyName: 'London support' }], users: [{ userId: 77, phoneNumbers: [] }] },
    ]);
    expect(callingOnly?.resources).toEqual({ 'calling-settings': { ensure: 'absent' } });
    expect(callingOnly?.phoneNumbers).toEqual([]);
  });
});

describe('loadConfig offline', () => {
  it('never touches the network, even with an https webhook URL in the config', async () => {
    nock.disableNetConnect();
    try {
      const loaded = await load(FIXTURES, ['two-apps.yaml']);
      expect(loaded.errors).toEqual([]);
      expect(nock.pendingMocks()).toEqual([]);
    } finally {
      nock.enableNetConnect();
    }
  });
});

describe('hashInputs', () => {
  it('is sha256 hex, stable across formatting and source positions, and changes with the content', async () => {
    const a = dir({ 'c.yaml': 'appId: 1\nsettings: {url: "https://a.example", isReady: true}\n' });
    const b = dir({ 'c.yaml': '# reformatted\nsettings:\n  isReady: true\n  url: https://a.example\nappId: 1\n' });
    const c = dir({ 'c.yaml': 'appId: 1\nsettings: {url: "https://a.example", isReady: false}\n' });
    const [ha, hb, hc] = await Promise.all([a, b, c].map(async (d) => {
      const loaded = await load(d.path, ['c.yaml']);
      return hashInputs(loaded.apps);
    }));
    expect(ha).toMatch(/^[0-9a-f]{64}$/);
    expect(hb).toBe(ha);
    expect(hc).not.toBe(ha);
  });

  it('is about what would be applied, not how the files are named or split', async () => {
    const d = dir({
      'a.yaml': 'appId: 1\nsettings: {url: "https://a.example", isReady: true}\n',
      'c.yaml': 'appId: 2\nsettings: {url: "https://c.example", isReady: true}\n',
      'both.yaml': 'appId: 2\nsettings: {url: "https://c.example", isReady: true}\n---\nappId: 1\nsettings: {url: "https://a.example", isReady: true}\n',
    });
    const spellings = [['a.yaml', 'c.yaml'], ['c.yaml', './a.yaml'], ['[ac].yaml'], [join(d.path, 'c.yaml'), 'a.yaml'], ['both.yaml']];
    const hashes = await Promise.all(spellings.map(async (paths) => hashInputs((await load(d.path, paths)).apps)));
    expect(new Set(hashes).size).toBe(1);
    expect(hashInputs((await load(d.path, ['a.yaml'])).apps)).not.toBe(hashes[0]);
  });
});

describe('diagnosticsInFileOrder', () => {
  it('merges errors and warnings by input, file order, line and column', async () => {
    const d = dir({
      'a.yaml': 'appId: 1\nensure: absent\nphoneNumbers:\n  - {e164PhoneNumber: "+14155552671", extension: "1", friendlyName: A}\n',
      'b.yaml': 'appId: 0\nensure: absent\n',
    });
    const loaded = await load(d.path, ['a.yaml', 'b.yaml', 'none/*.yaml']);
    expect(diagnosticsInFileOrder(loaded).map((x) => [x.file, x.code])).toEqual([
      ['none/*.yaml', 'no-match'],
      ['a.yaml', 'phone-extension'],
      ['b.yaml', 'invalid-app-id'],
    ]);
  });
});
