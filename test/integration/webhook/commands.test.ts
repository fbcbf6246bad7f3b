import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixtures } from '../../../src/commands/fixtures.js';
import type { FixturesOptions, ProbeOptions, ServeOptions } from '../../../src/commands/options.js';
import { runProbe } from '../../../src/commands/probe.js';
import { runServe } from '../../../src/commands/serve.js';
import { signRequestV3 } from '../../../src/webhook/signature.js';
import { startWebhookServer, type WebhookServer } from '../../../src/webhook/server.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { buildApp, phone } from '../../unit/webhook/build-app.js';
import { send } from './http-client.js';
import { waitFor } from './wait-for.js';

const SECRET = 'command-test-secret';
const globals = { json: false, baseUrl: undefined, timeoutMs: 2_000, strict: false };

function config(url: string, numbers: [string, string][], appId = 1234567): string {
  const list = numbers.map(([e164, name]) => `  - e164PhoneNumber: "${e164}"\n    friendlyName: ${name}\n`).join('');
  return `appId: ${appId}\nsettings:\n  url: ${url}\n  isReady: true\nphoneNumbers:${list === '' ? ' []\n' : `\n${list}`}`;
}

const dirs: TempDir[] = [];
const servers: WebhookServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close(100);
  for (const dir of dirs.splice(0)) dir.remove();
});

function workspace(files: Record<string, string>): TempDir {
  const dir = tempDir(files);
  dirs.push(dir);
  return dir;
}

describe('hscc fixtures', () => {
  const yaml = `${config('https://example.com/hook', [['+14155552671', 'Support line with a very long name'], ['+442071838750', 'London']])}---\nappId: 42\nensure: absent\n`;
  const options = (extra: Partial<FixturesOptions> = {}): FixturesOptions => ({ ...globals, paths: ['hscc.yaml'], outDir: 'fixtures', check: false, ...extra });

  it('writes DIR/<appId>.json for present apps only, deterministically, and --check then passes', async () => {
    const dir = workspace({ 'hscc.yaml': yaml });
    const first = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options(), first)).toEqual({ exitCode: 0 });
    expect(readdirSync(dir.file('fixtures'))).toEqual(['1234567.json']);
    const text = readFileSync(dir.file('fixtures/1234567.json'), 'utf8');
    expect(text).toBe(
      '{\n  "phoneNumbers": [\n    {\n      "e164PhoneNumber": "+14155552671",\n      "friendlyName": "Support line with a very"\n    },\n' +
        '    {\n      "e164PhoneNumber": "+442071838750",\n      "friendlyName": "London"\n    }\n  ]\n}\n',
    );
    expect(first.out()).toContain('written   fixtures/1234567.json');

    const second = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options(), second)).toEqual({ exitCode: 0 });
    expect(second.out()).toContain('unchanged fixtures/1234567.json');
    expect(readFileSync(dir.file('fixtures/1234567.json'), 'utf8')).toBe(text);

    const check = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true }), check)).toEqual({ exitCode: 0 });
    expect(check.out()).toBe('All 1 fixtures in fixtures are up to date.\n');
  });

  it('--check writes nothing and shows a diff for stale, missing and unexpected files', async () => {
    const dir = workspace({
      'hscc.yaml': `${yaml}---\n${config('https://example.com/other', [], 7)}`,
      'fixtures/1234567.json': '{\n  "phoneNumbers": []\n}\n',
      'fixtures/99.json': '{}\n',
      'fixtures/README.md': 'not a fixture\n',
    });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ check: true }), runtime)).toEqual({ exitCode: 1 });
    const out = runtime.out();
    expect(out).toContain('--- /dev/null\ton disk\n+++ fixtures/7.json\tfrom config\n');
    expect(out).toContain('--- fixtures/1234567.json\ton disk\n+++ fixtures/1234567.json\tfrom config\n');
    expect(out).toContain('+      "friendlyName": "Support line with a very"');
    expect(out).toContain('--- fixtures/99.json\ton disk\n+++ /dev/null\tfrom config\n');
    expect(out).toContain('(1 stale, 1 missing, 1 unexpected)');
    expect(readdirSync(dir.file('fixtures')).sort()).toEqual(['1234567.json', '99.json', 'README.md']);
  });

  it('--json prints one document; writing removes fixtures of apps no longer declared', async () => {
    const dir = workspace({ 'hscc.yaml': yaml, 'fixtures/99.json': '{}\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runFixtures(options({ json: true }), runtime)).toEqual({ exitCode: 0 });
    expect(JSON.parse(runtime.out())).toEqual({
      outDir: 'fixtures',
      check: false,
      ok: true,
      files: [
        { appId: 99, path: 'fixtures/99.json', status: 'deleted' },
        { appId: 1234567, path: 'fixtures/1234567.json', status: 'written' },
      ],
    });
    expect(readdirSync(dir.file('fixtures'))).toEqual(['1234567.json']);
  });
});

describe('hscc serve', () => {
  const serveOptions: ServeOptions = { ...globals, paths: ['hscc.yaml'], port: 0, host: '127.0.0.1', publicUrl: undefined, insecureSkipVerify: false };

  async function post(url: string, now = Date.now()): Promise<{ status: number; text: string }> {
    const body = JSON.stringify({ appId: 1234567, portalId: 1, userId: 2 });
    const headers = { 'Content-Type': 'application/json', ...signRequestV3({ secret: SECRET, method: 'POST', uri: 'https://example.com/hook', body, now }) };
    return send(`${url}/hook`, { body, headers });
  }

  it('prints the base URL first, serves, reloads on SIGHUP (keeping the old config when the new one is bad), stops on SIGTERM', async () => {
    const dir = workspace({ 'hscc.yaml': config('https://example.com/hook', [['+14155552671', 'Before']]) });
    const runtime = memoryRuntime({ cwd: dir.path, env: { HUBSPOT_CLIENT_SECRET: SECRET }, realSleep: true });
    const done = runServe(serveOptions, runtime);
    const url = await waitFor(() => /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(runtime.out())?.[1], 'the base URL');
    expect((await post(url)).text).toContain('"Before"');

    writeFileSync(dir.file('hscc.yaml'), config('https://example.com/hook', [['+14155552671', 'After']]));
    runtime.emit('SIGHUP');
    await waitFor(() => (runtime.err().includes('reloaded the config') ? true : undefined), 'the reload');
    expect((await post(url)).text).toContain('"After"');

    writeFileSync(dir.file('hscc.yaml'), 'appId: [not valid\n');
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
    const dir = workspace({ 'hscc.yaml': config('https://example.com/hook', []) });
    await expect(runServe(serveOptions, memoryRuntime({ cwd: dir.path }))).rejects.toThrow(/HUBSPOT_CLIENT_SECRET_1234567 or HUBSPOT_CLIENT_SECRET/);
    const runtime = memoryRuntime({ cwd: dir.path, realSleep: true });
    const done = runServe({ ...serveOptions, insecureSkipVerify: true }, runtime);
    await waitFor(() => (runtime.out().includes('\n') ? true : undefined), 'the base URL');
    expect(runtime.err()).toContain('WARNING: --insecure-skip-verify');
    runtime.emit('SIGINT');
    expect(await done).toEqual({ exitCode: 0 });
  });

  it('rejects a --public-url that is not an absolute http(s) URL', async () => {
    const runtime = memoryRuntime({ env: { HUBSPOT_CLIENT_SECRET: SECRET } });
    await expect(runServe({ ...serveOptions, publicUrl: 'example.com/hook' }, runtime)).rejects.toThrow(/--public-url must be an absolute URL/);
  });
});

describe('hscc probe', () => {
  const probeOptions = (extra: Partial<ProbeOptions> = {}): ProbeOptions => ({ ...globals, paths: ['hscc.yaml'], portalId: 1, userId: 1, ...extra });
  const declared: [string, string][] = [['+14155552671', 'Support'], ['+442071838750', 'London']];

  /** A live webhook (hscc's own server) answering `answered` for app 1234567 at `${url}/hook`. */
  async function liveWebhook(answered: [string, string][]): Promise<string> {
    const server = await startWebhookServer({ apps: [], env: { HUBSPOT_CLIENT_SECRET: SECRET }, now: () => Date.now() });
    servers.push(server);
    const app = buildApp({ appId: 1234567, settings: { url: `${server.url}/hook`, isReady: true }, phoneNumbers: answered.map(([e, n]) => phone(e, n)) });
    expect(server.reload([app]).ok).toBe(true);
    return `${server.url}/hook`;
  }

  it('exits 0 when the webhook answers the configured numbers', async () => {
    const url = await liveWebhook(declared);
    const dir = workspace({ 'hscc.yaml': config(url, declared) });
    const runtime = memoryRuntime({ cwd: dir.path, env: { HUBSPOT_CLIENT_SECRET: SECRET }, realSleep: true });
    expect(await runProbe(probeOptions(), runtime)).toEqual({ exitCode: 0 });
    expect(runtime.out()).toBe(`✓ app 1234567 ${url}: numbers match the config\nProbed 1 webhook(s): 1 match, 0 differ, 0 failed.\n`);
  });

  it('exits 2 and says what differs when the webhook answers other numbers', async () => {
    const url = await liveWebhook([['+14155552671', 'Sales'], ['+15550100999', 'Stranger']]);
    const dir = workspace({ 'hscc.yaml': config(url, declared) });
    const runtime = memoryRuntime({ cwd: dir.path, env: { HUBSPOT_CLIENT_SECRET: SECRET }, realSleep: true });
    expect(await runProbe(probeOptions(), runtime)).toEqual({ exitCode: 2 });
    expect(runtime.out()).toContain('    - missing     +442071838750 "London"\n');
    expect(runtime.out()).toContain('    + unexpected  +15550100999 "Stranger"\n');
    expect(runtime.out()).toContain('    ~ friendlyName +14155552671: "Support" -> "Sales"\n');

    const json = memoryRuntime({ cwd: dir.path, env: { HUBSPOT_CLIENT_SECRET: SECRET }, realSleep: true });
    expect(await runProbe(probeOptions({ json: true }), json)).toEqual({ exitCode: 2 });
    expect(JSON.parse(json.out())).toEqual({
      apps: [
        {
          appId: 1234567,
          status: 'mismatch',
          url,
          missing: [{ e164PhoneNumber: '+442071838750', friendlyName: 'London' }],
          unexpected: [{ e164PhoneNumber: '+15550100999', friendlyName: 'Stranger' }],
          changedFriendlyName: [{ e164PhoneNumber: '+14155552671', expected: 'Support', actual: 'Sales' }],
        },
      ],
      summary: { match: 0, mismatch: 1, error: 0 },
    });
  });

  it('exits 1 when a webhook fails, and before any request when a secret is missing', async () => {
    const url = await liveWebhook(declared);
    const dir = workspace({ 'hscc.yaml': config(url, declared) });
    // A wrong secret: hscc serve answers 401, which probe reports as a failure.
    const runtime = memoryRuntime({ cwd: dir.path, env: { HUBSPOT_CLIENT_SECRET: 'wrong' }, realSleep: true });
    expect(await runProbe(probeOptions(), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.out()).toContain(`✗ app 1234567 ${url}: HTTP 401 (expected 200): {"error":{"code":"bad-signature"`);
    await expect(runProbe(probeOptions(), memoryRuntime({ cwd: dir.path }))).rejects.toThrow(/cannot probe webhooks: no client secret for app 1234567/);
  });
});
