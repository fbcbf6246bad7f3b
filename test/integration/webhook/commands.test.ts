// The webhook commands end to end over real sockets and a real directory,
// with the apps injected as AppConfig values (the YAML side is the config
// module's; the built CLI is covered by test/e2e).
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixtures } from '../../../src/commands/fixtures.js';
import type { FixturesOptions, ProbeOptions } from '../../../src/commands/options.js';
import type { ServeOptions } from '../../../src/commands/options.js';
import { renderProbeText, runProbe } from '../../../src/commands/probe.js';
import { runServe } from '../../../src/commands/serve.js';
import type { AppConfig } from '../../../src/config/model.js';
import { UserError } from '../../../src/errors.js';
import { startWebhookServer, type WebhookServer } from '../../../src/webhook/server.js';
import { signRequestV3 } from '../../../src/webhook/signature.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { buildApp, phone, portal } from '../../unit/webhook/build-app.js';
import { send } from './http-client.js';
import { waitFor } from './wait-for.js';

const SECRET = 'command-test-secret';
const globals = { json: false, baseUrl: undefined, timeoutMs: 2_000, strict: false };

/** A loader that hands the command these apps (as readConfigForCommand would after a clean load). */
const appsOf = (...apps: AppConfig[]) => async () => ({ apps });

const dirs: TempDir[] = [];
const servers: WebhookServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close(100);
  for (const dir of dirs.splice(0)) {
    chmodSync(dir.path, 0o755);
    dir.remove();
  }
});

function workspace(files: Record<string, string>): TempDir {
  const dir = tempDir(files);
  dirs.push(dir);
  return dir;
}

const LONG = phone('+14155552671', 'Support line with a very long name');
const LONDON = phone('+442071838750', 'London');
const app = buildApp({ appId: 1234567, url: 'https://example.com/hook', phoneNumbers: [LONG, LONDON], portals: [portal(42, [LONDON], { 7: [LONG] })] });
const absent = buildApp({ appId: 42, url: null });

describe('hscc fixtures', () => {
  const options = (extra: Partial<FixturesOptions> = {}): FixturesOptions => ({ ...globals, paths: [], outDir: 'fixtures', check: false, prune: false, ...extra });
  const tree = (dir: TempDir): string[] => readdirSync(dir.file('fixtures'), { recursive: true, encoding: 'utf8' }).sort();

  it('writes the app, portal and user files of present apps only, deterministically, and --check then passes', async () => {
    const dir = workspace({ 'keep.txt': '' });
    const first = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options(), first, appsOf(app, absent))).toEqual({ exitCode: 0 });
    expect(tree(dir)).toEqual(['1234567', '1234567.json', '1234567/portals', '1234567/portals/42', '1234567/portals/42.json', '1234567/portals/42/users', '1234567/portals/42/users/7.json']);
    const text = readFileSync(dir.file('fixtures/1234567.json'), 'utf8');
    expect(text).toBe(
      '{\n  "phoneNumbers": [\n    {\n      "e164PhoneNumber": "+14155552671",\n      "friendlyName": "Support line with a very"\n    },\n' +
        '    {\n      "e164PhoneNumber": "+442071838750",\n      "friendlyName": "London"\n    }\n  ]\n}\n',
    );
    expect(JSON.parse(readFileSync(dir.file('fixtures/1234567/portals/42.json'), 'utf8'))).toEqual({ phoneNumbers: [{ e164PhoneNumber: '+442071838750', friendlyName: 'London' }] });
    expect(JSON.parse(readFileSync(dir.file('fixtures/1234567/portals/42/users/7.json'), 'utf8'))).toEqual({
      phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Support line with a very' }],
    });
    expect(first.out()).toContain('written   fixtures/1234567/portals/42/users/7.json');

    const second = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options(), second, appsOf(app, absent))).toEqual({ exitCode: 0 });
    expect(second.out()).toContain('unchanged fixtures/1234567.json');
    expect(readFileSync(dir.file('fixtures/1234567.json'), 'utf8')).toBe(text);

    const check = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true }), check, appsOf(app, absent))).toEqual({ exitCode: 0 });
    expect(check.out()).toBe('All 3 fixtures in fixtures are up to date.\n');
  });

  it('--check writes nothing and shows a diff for stale, missing and unexpected files of declared apps', async () => {
    const other = buildApp({ appId: 7 });
    const dir = workspace({
      'fixtures/1234567.json': '{\n  "phoneNumbers": []\n}\n',
      'fixtures/1234567/portals/99.json': '{}\n',
      'fixtures/42.json': '{}\n',
      'fixtures/99.json': '{}\n',
      'fixtures/README.md': 'not a fixture\n',
    });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true }), runtime, appsOf(app, absent, other))).toEqual({ exitCode: 1 });
    const out = runtime.out();
    expect(out).toContain('--- /dev/null\ton disk\n+++ fixtures/7.json\tfrom config\n');
    expect(out).toContain('--- /dev/null\ton disk\n+++ fixtures/1234567/portals/42/users/7.json\tfrom config\n');
    expect(out).toContain('--- fixtures/1234567.json\ton disk\n+++ fixtures/1234567.json\tfrom config\n');
    expect(out).toContain('+      "friendlyName": "Support line with a very"');
    // A removed portal of a declared app, and an app now absent: ours, so unexpected.
    expect(out).toContain('--- fixtures/1234567/portals/99.json\ton disk\n+++ /dev/null\tfrom config\n');
    expect(out).toContain('--- fixtures/42.json\ton disk\n+++ /dev/null\tfrom config\n');
    // Another environment's app: not ours without --prune.
    expect(out).not.toContain('fixtures/99.json');
    expect(out).toContain('(1 stale, 3 missing, 2 unexpected); run `hscc fixtures` to update them.');
    expect(readdirSync(dir.file('fixtures')).sort()).toEqual(['1234567', '1234567.json', '42.json', '99.json', 'README.md']);

    const pruning = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true, prune: true }), pruning, appsOf(app, absent, other))).toEqual({ exitCode: 1 });
    expect(pruning.out()).toContain('--- fixtures/99.json\ton disk\n+++ /dev/null\tfrom config\n');
    // Only --prune removes another app's file, so that is the fix to name.
    expect(pruning.out()).toContain('run `hscc fixtures --prune` to update them.');
    expect(readdirSync(dir.file('fixtures'))).toContain('99.json');
  });

  it("probe's text shows the URL and the webhook's words escaped, as its JSON does", () => {
    const text = renderProbeText(
      [{ appId: 1, url: 'http://127.0.0.1:1/hook\u202e', status: 'error', error: 'content type "text/a\u009b31m" is not application/json', missing: [], unexpected: [], changedFriendlyName: [] }],
      { match: 0, mismatch: 0, error: 1 },
    );
    expect(text).toContain('✗ app 1 http://127.0.0.1:1/hook\\u202e: content type "text/a\\x9b31m" is not application/json');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('--check shows the control characters of a file on disk and of the config escaped, never raw', async () => {
    const hostile = buildApp({ appId: 1234567, url: 'https://example.com/hook', phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Support\u202e\u0085line' }] });
    const dir = workspace({ 'fixtures/1234567.json': '{\u001b]0;owned\u0007\u001b[2J\n}\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true }), runtime, appsOf(hostile))).toEqual({ exitCode: 1 });
    const out = runtime.out();
    expect(out).toContain('-{\\x1b]0;owned\\x07\\x1b[2J\n');
    expect(out).toContain('Support\\u202e\\x85line');
    // The diff's own layout stays: line breaks, and the tab in its headers.
    expect(out).toContain('--- fixtures/1234567.json\ton disk\n');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('follows symbolic links in the fixtures directory when reading and writing, so --check then passes', async () => {
    const dir = workspace({ 'shared/app.json': '{}\n' });
    mkdirSync(dir.file('fixtures'));
    mkdirSync(dir.file('real-app-dir'));
    symlinkSync('../shared/app.json', dir.file('fixtures/1234567.json'));
    symlinkSync('../real-app-dir', dir.file('fixtures/1234567'));
    expect(await runFixtures(options(), memoryRuntime({ cwd: dir.path }), appsOf(app))).toEqual({ exitCode: 0 });
    // The links stay links; what they point at holds the fixtures.
    expect(lstatSync(dir.file('fixtures/1234567.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(dir.file('shared/app.json'), 'utf8')).toContain('"+14155552671"');
    expect(readdirSync(dir.file('real-app-dir/portals')).sort()).toEqual(['42', '42.json']);
    const check = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true }), check, appsOf(app))).toEqual({ exitCode: 0 });
    expect(check.out()).toBe('All 3 fixtures in fixtures are up to date.\n');
  });

  it('writes no file when a declared number holds a credential, whole or cut to 24 characters in the file', async () => {
    const key = 'devkey-0123456789abcdef0123456789abcdef';
    const env = { HUBSPOT_DEVELOPER_API_KEY: key };
    for (const name of [key, `Line ${key}`]) {
      const dir = workspace({ 'keep.txt': '' });
      const leaky = buildApp({ appId: 5, url: 'https://example.com/hook', phoneNumbers: [phone('+14155552671', name)] });
      const run = runFixtures(options(), memoryRuntime({ cwd: dir.path, env }), appsOf(app, leaky));
      await expect(run).rejects.toThrow(/^cannot write the fixtures: the phone numbers of app 5 \(.+:\d+:\d+\) hold a credential's value/);
      expect(readdirSync(dir.path)).toEqual(['keep.txt']);
    }
    // --check writes nothing, and its diffs reach the terminal scrubbed.
    const dir = workspace({});
    const leaky = buildApp({ appId: 5, url: 'https://example.com/hook', phoneNumbers: [phone('+14155552671', key)] });
    expect(await runFixtures(options({ check: true }), memoryRuntime({ cwd: dir.path, env }), appsOf(leaky))).toEqual({ exitCode: 1 });
  });

  it('--json escapes a bidi override that a diff quotes from the config', async () => {
    const dir = workspace({});
    const evil = buildApp({ appId: 31, url: 'https://calls.example.com/31', phoneNumbers: [phone('+14155552671', 'Evil\u202eName')] });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true, json: true }), runtime, appsOf(evil))).toEqual({ exitCode: 1 });
    expect(runtime.out()).not.toContain('\u202e');
    expect(runtime.out()).toContain('\\u202e');
    expect(JSON.parse(runtime.out()).files[0].diff).toContain('Evil\u202eName');
  });

  it('leaves files of apps not declared in this run alone; --prune removes them; --json prints one document', async () => {
    const dir = workspace({ 'fixtures/99.json': '{}\n', 'fixtures/99/portals/1.json': '{}\n', 'fixtures/1234567/portals/5/users/1.json': '{}\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ json: true }), runtime, appsOf(app))).toEqual({ exitCode: 0 });
    expect(JSON.parse(runtime.out())).toEqual({
      outDir: 'fixtures',
      check: false,
      prune: false,
      ok: true,
      files: [
        { appId: 1234567, path: 'fixtures/1234567.json', status: 'written' },
        { appId: 1234567, portalId: 5, userId: 1, path: 'fixtures/1234567/portals/5/users/1.json', status: 'deleted' },
        { appId: 1234567, portalId: 42, path: 'fixtures/1234567/portals/42.json', status: 'written' },
        { appId: 1234567, portalId: 42, userId: 7, path: 'fixtures/1234567/portals/42/users/7.json', status: 'written' },
      ],
    });
    // The emptied directories of the removed portal went with it.
    expect(readdirSync(dir.file('fixtures/1234567/portals')).sort()).toEqual(['42', '42.json']);
    expect(readdirSync(dir.file('fixtures')).sort()).toEqual(['1234567', '1234567.json', '99', '99.json']);

    const pruned = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ prune: true }), pruned, appsOf(app))).toEqual({ exitCode: 0 });
    expect(pruned.out()).toContain('deleted   fixtures/99.json');
    expect(pruned.out()).toContain('deleted   fixtures/99/portals/1.json');
    expect(readdirSync(dir.file('fixtures')).sort()).toEqual(['1234567', '1234567.json']);
  });

  it('never takes a name with a leading zero for a fixture of its own, even with --prune', async () => {
    const dir = workspace({ 'fixtures/01234567.json': '{}\n', 'fixtures/1234567/portals/042.json': '{}\n', 'fixtures/1234567/portals/42/users/0007.json': '{}\n' });
    expect(await runFixtures(options({ prune: true }), memoryRuntime({ cwd: dir.path }), appsOf(app))).toEqual({ exitCode: 0 });
    expect(readdirSync(dir.file('fixtures')).sort()).toEqual(['01234567.json', '1234567', '1234567.json']);
    expect(readdirSync(dir.file('fixtures/1234567/portals')).sort()).toEqual(['042.json', '42', '42.json']);
    expect(readdirSync(dir.file('fixtures/1234567/portals/42/users')).sort()).toEqual(['0007.json', '7.json']);
    expect(await runFixtures(options({ check: true }), memoryRuntime({ cwd: dir.path }), appsOf(app))).toEqual({ exitCode: 0 });
  });

  it('reports EISDIR, ENOTDIR/ENOENT and EACCES on its output as clear user errors', async () => {
    const isDir = workspace({ 'fixtures/1234567.json/inside': 'x' });
    const eisdir = runFixtures(options(), memoryRuntime({ cwd: isDir.path }), appsOf(app));
    await expect(eisdir).rejects.toThrow(UserError);
    await expect(eisdir).rejects.toThrow('cannot write fixtures/1234567.json: it is a directory (EISDIR).');

    const fileInTheWay = workspace({ fixtures: 'a file, not a directory' });
    await expect(runFixtures(options(), memoryRuntime({ cwd: fileInTheWay.path }), appsOf(app))).rejects.toThrow(
      /^cannot read the fixtures directory fixtures\/?\.?: a part of the path is not a directory \(ENOTDIR\)\.$/,
    );

    const missingParent = workspace({ 'parent-file': 'x' });
    await expect(runFixtures(options({ outDir: 'parent-file/sub' }), memoryRuntime({ cwd: missingParent.path }), appsOf(app))).rejects.toThrow(
      /^cannot .* parent-file\/sub.*\((ENOTDIR|ENOENT)\)\.$/,
    );

    if (process.getuid?.() !== 0) {
      const locked = workspace({ 'fixtures/.keep': '' });
      chmodSync(locked.file('fixtures'), 0o555);
      await expect(runFixtures(options(), memoryRuntime({ cwd: locked.path }), appsOf(app))).rejects.toThrow(/permission denied \(EACCES\)\.$/);
      chmodSync(locked.file('fixtures'), 0o755);
    } else {
      // As root, permissions do not stop writes: simulate with a read-only bind of the path being a non-directory instead.
      const rootCase = workspace({});
      mkdirSync(rootCase.file('fixtures'));
      writeFileSync(rootCase.file('fixtures/1234567'), 'a file where the portals directory goes');
      await expect(runFixtures(options(), memoryRuntime({ cwd: rootCase.path }), appsOf(app))).rejects.toThrow(/\((ENOTDIR|EEXIST)\)\.$/);
    }
  });

  it('writes nothing when a fixture breaks the schema, naming the level', async () => {
    const dir = workspace({ 'keep.txt': '' });
    const bad = buildApp({ appId: 5, portals: [portal(3, [phone('123', 'x')])] });
    await expect(runFixtures(options(), memoryRuntime({ cwd: dir.path }), appsOf(bad))).rejects.toThrow(/app 5 portal 3: phoneNumbers\[0\]\.e164PhoneNumber/);
    expect(readdirSync(dir.path)).toEqual(['keep.txt']);
  });
});

describe('hscc serve', () => {
  const serveOptions: ServeOptions = { ...globals, paths: [], port: 0, host: '127.0.0.1', publicUrl: undefined, insecureSkipVerify: false };
  const served = (name: string) => buildApp({ appId: 1234567, url: 'https://example.com/hook', phoneNumbers: [phone('+14155552671', name)], portals: [portal(5, [phone('+14155552671', `${name} portal 5`)])] });

  async function post(url: string, now = Date.now(), portalId = 1): Promise<{ status: number; text: string }> {
    const body = JSON.stringify({ appId: 1234567, portalId, userId: 2 });
    const headers = { 'Content-Type': 'application/json', ...signRequestV3({ clientSecret: SECRET, method: 'POST', url: 'https://example.com/hook', body, timestamp: now }) };
    return send(`${url}/hook`, { body, headers });
  }

  it('prints the base URL first, serves per portal, reloads on SIGHUP (keeping the old config when the new one fails), stops on SIGTERM', async () => {
    let current: AppConfig[] = [served('Before')];
    let failNext = false;
    const load = async () => {
      if (failNext) throw new UserError('1 error in the configuration; nothing was sent or written.');
      return { apps: current };
    };
    const runtime = memoryRuntime({ env: { HUBSPOT_CLIENT_SECRET: SECRET }, realSleep: true });
    const done = runServe(serveOptions, runtime, load);
    const url = await waitFor(() => /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(runtime.out())?.[1], 'the base URL');
    expect((await post(url)).text).toContain('"Before"');
    expect((await post(url, Date.now(), 5)).text).toContain('"Before portal 5"');

    current = [served('After')];
    runtime.emit('SIGHUP');
    await waitFor(() => (runtime.err().includes('reloaded the config') ? true : undefined), 'the reload');
    expect((await post(url)).text).toContain('"After"');

    failNext = true;
    runtime.emit('SIGHUP');
    await waitFor(() => (runtime.err().includes('reload failed') ? true : undefined), 'the failed reload');
    expect((await post(url)).text).toContain('"After"');

    const stale = await post(url, Date.now() - 10 * 60_000);
    expect(stale.status).toBe(401);
    runtime.emit('SIGTERM');
    expect(await done).toEqual({ exitCode: 0 });
    const log = runtime.err();
    expect(log).toMatch(/POST \/hook 200 [\d.]+ms app=1234567/);
    expect(log).toMatch(/POST \/hook 401 [\d.]+ms stale-timestamp app=1234567/);
    expect(log).not.toContain(SECRET);
    expect(runtime.out().split('\n').filter(Boolean)).toEqual([url]);
  });

  it('refuses to start without a client secret unless --insecure-skip-verify, which warns loudly', async () => {
    await expect(runServe(serveOptions, memoryRuntime(), appsOf(served('x')))).rejects.toThrow(/HUBSPOT_CLIENT_SECRET_1234567 or HUBSPOT_CLIENT_SECRET/);
    const runtime = memoryRuntime({ realSleep: true });
    const done = runServe({ ...serveOptions, insecureSkipVerify: true }, runtime, appsOf(served('x')));
    await waitFor(() => (runtime.out().includes('\n') ? true : undefined), 'the base URL');
    expect(runtime.err()).toContain('WARNING: --insecure-skip-verify');
    runtime.emit('SIGINT');
    expect(await done).toEqual({ exitCode: 0 });
  });

  it('rejects a --public-url that is not an absolute http(s) URL', async () => {
    const runtime = memoryRuntime({ env: { HUBSPOT_CLIENT_SECRET: SECRET } });
    await expect(runServe({ ...serveOptions, publicUrl: 'example.com/hook' }, runtime, appsOf(served('x')))).rejects.toThrow(/--public-url must be an absolute URL/);
  });

  it('rejects a --public-url with a user name or password, without quoting them', async () => {
    const runtime = memoryRuntime({ env: { HUBSPOT_CLIENT_SECRET: SECRET } });
    const refused = runServe({ ...serveOptions, publicUrl: 'https://proxy-user:proxy-pass-55@calls.example.com/hook' }, runtime, appsOf(served('x')));
    await expect(refused).rejects.toThrow('--public-url must not hold a user name or password, got "https://[REDACTED]@calls.example.com/hook".');
    await expect(refused).rejects.toMatchObject({ hint: 'pass "https://calls.example.com/hook"' });
  });
});

describe('hscc probe', () => {
  const probeOptions = (extra: Partial<ProbeOptions> = {}): ProbeOptions => ({
    ...globals,
    paths: [],
    parallelism: 10,
    targets: [],
    portalId: undefined,
    userId: undefined,
    ...extra,
  });
  const declared = [phone('+14155552671', 'Support'), phone('+442071838750', 'London')];
  const env = { HUBSPOT_CLIENT_SECRET: SECRET };

  /** A live webhook (hscc's own server) answering `answered` at `${url}/hook`; returns the config to probe it with. */
  async function liveWebhook(answered: AppConfig['phoneNumbers'], portals: AppConfig['portals'] = []): Promise<{ url: string; declare: (numbers: AppConfig['phoneNumbers'], p?: AppConfig['portals']) => AppConfig }> {
    const server = await startWebhookServer({ apps: [], env, now: () => Date.now() });
    servers.push(server);
    const url = `${server.url}/hook`;
    expect(server.reload([buildApp({ appId: 1234567, url, phoneNumbers: answered, portals })]).ok).toBe(true);
    return { url, declare: (numbers, p = []) => buildApp({ appId: 1234567, url, phoneNumbers: numbers, portals: p }) };
  }

  it('exits 0 when every declared level answers its numbers', async () => {
    const portals = [portal(42, [declared[1] as never], { 7: [declared[0] as never] })];
    const hook = await liveWebhook(declared, portals);
    const runtime = memoryRuntime({ env, realSleep: true });
    expect(await runProbe(probeOptions(), runtime, appsOf(hook.declare(declared, portals)))).toEqual({ exitCode: 0 });
    expect(runtime.out()).toBe(
      `✓ app 1234567 ${hook.url}: numbers match the config\n` +
        `✓ app 1234567 portal 42 ${hook.url}: numbers match the config\n` +
        `✓ app 1234567 portal 42 user 7 ${hook.url}: numbers match the config\n` +
        'Probed 3 webhooks: 3 match, 0 differ, 0 failed.\n',
    );
  });

  it('--portal-id/--user-id probe one level against its own declaration', async () => {
    const portals = [portal(42, [declared[1] as never], { 7: [declared[0] as never] })];
    const hook = await liveWebhook(declared, portals);
    const config = hook.declare(declared, portals);
    const user = memoryRuntime({ env, realSleep: true, });
    expect(await runProbe(probeOptions({ portalId: 42, userId: 7, json: true }), user, appsOf(config))).toEqual({ exitCode: 0 });
    expect(JSON.parse(user.out()).webhooks).toEqual([expect.objectContaining({ appId: 1234567, portalId: 42, userId: 7, status: 'match' })]);
    const portalOnly = memoryRuntime({ env, realSleep: true });
    expect(await runProbe(probeOptions({ portalId: 42, json: true }), portalOnly, appsOf(config))).toEqual({ exitCode: 0 });
    expect(JSON.parse(portalOnly.out()).webhooks).toEqual([expect.objectContaining({ portalId: 42, userId: 1, status: 'match' })]);
    await expect(runProbe(probeOptions({ userId: 7 }), memoryRuntime({ env }), appsOf(config))).rejects.toThrow(/--user-id needs --portal-id/);
  });

  it('exits 2 and says what differs; --json has formatVersion, kind and webhooks', async () => {
    const hook = await liveWebhook([phone('+14155552671', 'Sales'), phone('+15550100999', 'Stranger')]);
    const runtime = memoryRuntime({ env, realSleep: true });
    expect(await runProbe(probeOptions(), runtime, appsOf(hook.declare(declared)))).toEqual({ exitCode: 2 });
    expect(runtime.out()).toContain('    - missing     +442071838750 "London"\n');
    expect(runtime.out()).toContain('    + unexpected  +15550100999 "Stranger"\n');
    expect(runtime.out()).toContain('    ~ friendlyName +14155552671: "Support" -> "Sales"\n');

    const json = memoryRuntime({ env, realSleep: true });
    expect(await runProbe(probeOptions({ json: true }), json, appsOf(hook.declare(declared)))).toEqual({ exitCode: 2 });
    expect(JSON.parse(json.out())).toEqual({
      formatVersion: 1,
      kind: 'probe',
      webhooks: [
        {
          appId: 1234567,
          status: 'mismatch',
          url: hook.url,
          missing: [{ e164PhoneNumber: '+442071838750', friendlyName: 'London' }],
          unexpected: [{ e164PhoneNumber: '+15550100999', friendlyName: 'Stranger' }],
          changedFriendlyName: [{ e164PhoneNumber: '+14155552671', expected: 'Support', actual: 'Sales' }],
        },
      ],
      summary: { match: 0, mismatch: 1, error: 0 },
    });
  });

  it('--target probes only the named apps and says the plan is partial; an undeclared target is an error', async () => {
    const hook = await liveWebhook(declared);
    // The live webhook serves app 1234567 only: probing the other app would fail.
    const other = buildApp({ appId: 7654321, url: hook.url, phoneNumbers: declared });
    const apps = appsOf(hook.declare(declared), other);
    const text = memoryRuntime({ env, realSleep: true });
    expect(await runProbe(probeOptions({ targets: [1234567] }), text, apps)).toEqual({ exitCode: 0 });
    expect(text.out()).toMatch(/^Note: the plan is partial: only app 1234567 \(--target\)\.\n\n✓ app 1234567 /);
    const json = memoryRuntime({ env, realSleep: true });
    expect(await runProbe(probeOptions({ targets: [1234567], json: true }), json, apps)).toEqual({ exitCode: 0 });
    expect(JSON.parse(json.out())).toMatchObject({ targets: [1234567], summary: { match: 1, mismatch: 0, error: 0 } });
    await expect(runProbe(probeOptions({ targets: [99] }), memoryRuntime({ env }), apps)).rejects.toThrow(/--target names app not declared in the configuration: 99/);
  });

  it('exits 1 when a webhook fails, and before any request when a secret is missing', async () => {
    const hook = await liveWebhook(declared);
    // A wrong secret: hscc serve answers 401, which probe reports as a failure.
    const runtime = memoryRuntime({ env: { HUBSPOT_CLIENT_SECRET: 'wrong' }, realSleep: true });
    expect(await runProbe(probeOptions(), runtime, appsOf(hook.declare(declared)))).toEqual({ exitCode: 1 });
    expect(runtime.out()).toContain(`✗ app 1234567 ${hook.url}: HTTP 401 (expected 200): {"error":{"code":"bad-signature"`);
    await expect(runProbe(probeOptions(), memoryRuntime(), appsOf(hook.declare(declared)))).rejects.toThrow(/cannot probe webhooks: no client secret for app 1234567/);
  });
});
