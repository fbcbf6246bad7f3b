// The whole calling extension through the real CLI and the emulator: three
// resources on every API version with either auth, in HubSpot's write order.
import { writeFileSync } from 'node:fs';
import { Client } from '@hubspot/api-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSIONS, AUTH_MODES } from '../../src/config/model.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  ACCESS_TOKEN,
  API_KEY,
  controlEmulator,
  emulatorState,
  envFor,
  leaksSecret,
  requestLog,
  runCli,
  startEmulator,
  type CliResult,
  type Service,
} from './harness.js';

const outputs: CliResult[] = [];

interface ExtensionOptions {
  apiVersion?: string;
  auth?: string;
  width?: number;
  callingReady?: boolean;
  calling?: 'present' | 'absent' | 'none';
  channel?: 'present' | 'absent' | 'none';
  recording?: boolean;
}

/** A document managing the app's calling settings, recording settings and channel connection. */
function extension(appId: number, options: ExtensionOptions = {}): string {
  const lines = [`appId: ${appId}`];
  if (options.apiVersion !== undefined) lines.push(`apiVersion: "${options.apiVersion}"`);
  if (options.auth !== undefined) lines.push(`auth: ${options.auth}`);
  const channel = options.channel ?? 'present';
  if (channel === 'present') lines.push('settings:', `  url: https://calls.example.com/${appId}`, '  isReady: true', 'phoneNumbers: []');
  if (channel === 'absent') lines.push('ensure: absent');
  const calling = options.calling ?? 'present';
  if (calling === 'present') {
    lines.push(
      'calling:',
      '  name: Acme Phone',
      `  url: https://app.acme.example/dialer/${appId}`,
      `  width: ${options.width ?? 400}`,
      '  height: 600',
      `  isReady: ${options.callingReady ?? true}`,
      '  supportsCustomObjects: false',
      '  supportsInboundCalling: true',
      '  usesCallingWindow: true',
      '  usesRemote: true',
    );
  }
  if (calling === 'absent') lines.push('calling:', '  ensure: absent');
  if (options.recording ?? true) lines.push('recording:', `  urlToRetrieveAuthedRecording: https://api.acme.example/${appId}/recordings/%s`);
  return `${lines.join('\n')}\n`;
}

describe('calling extension (real CLI, emulator)', () => {
  let emulator: Service;
  let dir: TempDir;
  const hscc = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const result = await runCli(args, { env: envFor(emulator, extra), cwd: dir.path });
    outputs.push(result);
    return result;
  };
  const write = (text: string) => writeFileSync(dir.file('channel-connection.yaml'), text);

  beforeAll(async () => {
    emulator = await startEmulator(['--read-only-token', 'e2e-read-only-token-77aa', '--rate-limit', 'none']);
    dir = tempDir();
  });
  afterEach(() => controlEmulator(emulator, 'POST', 'reset'));
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('creates all three resources on every version with either auth, calling settings first; then plans empty', async () => {
    const combos = API_VERSIONS.flatMap((apiVersion) => AUTH_MODES.map((auth) => ({ apiVersion, auth })));
    write(combos.map((combo, i) => extension(1000 + i, combo)).join('---\n'));
    const plan = await hscc(['plan']);
    expect(plan.stdout).toContain(`Plan: ${combos.length * 3} to create, 0 to update, 0 to delete.`);

    const apply = await hscc(['apply', '--auto-approve', '--json']);
    expect(apply.code, apply.stderr).toBe(0);
    const document = JSON.parse(apply.stdout);
    expect(document.changes.every((c: { applied: boolean }) => c.applied)).toBe(true);
    expect(document.changes.slice(0, 3).map((c: { resource: string }) => c.resource)).toEqual(['calling-settings', 'recording-settings', 'channel-connection']);

    const writes = (await requestLog(emulator)).filter((entry) => entry.method === 'POST');
    combos.forEach((combo, i) => {
      const mine = writes.filter((entry) => entry.appId === 1000 + i);
      expect(mine.map((entry) => entry.resource)).toEqual(['calling-settings', 'recording-settings', 'channel-connection']);
      expect(mine.every((entry) => entry.auth === combo.auth && entry.status !== null && entry.status < 300)).toBe(true);
      const prefix = combo.apiVersion === 'v3' ? '/crm/v3/extensions/calling/' : `/crm/extensions/calling/${combo.apiVersion}/`;
      expect(mine[0]?.path).toBe(`${prefix}${1000 + i}/settings`);
    });
    expect((await hscc(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it("after hscc apply, HubSpot's own SDK reads back exactly what the config declares", async () => {
    write(extension(2501, { width: 480, callingReady: false }));
    expect((await hscc(['apply', '--auto-approve'])).code).toBe(0);
    // The SDK speaks v3 and signs these methods with the developer key (see sdk-conformance.test.ts).
    const calling = new Client({ developerApiKey: API_KEY, basePath: emulator.url, numberOfApiCallRetries: 0 }).crm.extensions.calling;
    const settings = await calling.settingsApi.getById(2501);
    const recording = await calling.recordingSettingsApi.getUrlFormat(2501);
    const connection = await calling.channelConnectionSettingsApi.getById(2501);
    expect({ ...settings, createdAt: undefined, updatedAt: undefined }).toEqual({
      name: 'Acme Phone',
      url: 'https://app.acme.example/dialer/2501',
      width: 480,
      height: 600,
      isReady: false,
      supportsCustomObjects: false,
      supportsInboundCalling: true,
      usesCallingWindow: true,
      usesRemote: true,
      createdAt: undefined,
      updatedAt: undefined,
    });
    expect({ ...recording }).toEqual({ urlToRetrieveAuthedRecording: 'https://api.acme.example/2501/recordings/%s' });
    expect({ ...connection, createdAt: undefined, updatedAt: undefined }).toEqual({ url: 'https://calls.example.com/2501', isReady: true, createdAt: undefined, updatedAt: undefined });
    expect(settings.createdAt).toBeInstanceOf(Date);
  });

  it('patches only the changed fields, says what users notice, and deletes the channel connection before the calling settings', async () => {
    write(extension(2001));
    await hscc(['apply', '--auto-approve']);
    write(extension(2001, { width: 480, callingReady: false }));
    const plan = await hscc(['plan']);
    expect(plan.stdout).toMatch(/calling-settings/);
    expect(plan.stdout).toMatch(/width\s*=\s*400 -> 480/);
    expect(plan.stdout).toMatch(/no longer selectable as a calling provider/);
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    const before = (await requestLog(emulator)).length;
    expect((await hscc(['apply', '--auto-approve'])).code).toBe(0);
    const patches = (await requestLog(emulator)).slice(before).filter((entry) => entry.method === 'PATCH');
    expect(patches.map((entry) => entry.resource)).toEqual(['calling-settings']);
    expect((await emulatorState(emulator))['2001']?.['calling-settings']).toMatchObject({ width: 480, isReady: false, height: 600 });

    write(extension(2001, { calling: 'absent', channel: 'absent' }));
    const deletePlan = await hscc(['plan']);
    expect(deletePlan.stdout).toMatch(/all connected accounts; cannot be undone/);
    const mark = (await requestLog(emulator)).length;
    expect((await hscc(['apply', '--auto-approve'])).code).toBe(0);
    const deletes = (await requestLog(emulator)).slice(mark).filter((entry) => entry.method === 'DELETE');
    expect(deletes.map((entry) => entry.resource)).toEqual(['channel-connection', 'calling-settings']);
    expect(Object.keys((await emulatorState(emulator))['2001'] ?? {})).toEqual(['recording-settings']);
  });

  it('switching only apiVersion or auth plans as no change; a document may manage only calling settings', async () => {
    write(extension(3001));
    await hscc(['apply', '--auto-approve']);
    write(extension(3001, { apiVersion: '2026-09', auth: 'developer-api-key' }));
    expect((await hscc(['plan', '--detailed-exitcode'])).code).toBe(0);

    write(extension(3002, { channel: 'none', recording: false }));
    const json = JSON.parse((await hscc(['plan', '--json'])).stdout);
    expect(json.changes.map((c: { resource: string }) => c.resource)).toEqual(['calling-settings']);
    const reads = (await requestLog(emulator)).filter((entry) => entry.appId === 3002);
    expect(reads.map((entry) => entry.resource)).toEqual(['calling-settings']);
  });

  it('import prints every resource the app has; its output validates and plans as no change', async () => {
    write(extension(4001, { apiVersion: '2026-03' }));
    await hscc(['apply', '--auto-approve']);
    // Remote text that looks like config variables is imported literally.
    const name = 'Acme ${HOME} $${X} #1: yes';
    const patched = await fetch(`${emulator.url}/crm/extensions/calling/2026-03/4001/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(patched.status).toBe(200);
    const imported = await hscc(['import', '--app-id', '4001', '--api-version', '2026-03']);
    expect(imported.code, imported.stderr).toBe(0);
    for (const key of ['calling:', 'recording:', 'settings:', 'urlToRetrieveAuthedRecording']) expect(imported.stdout).toContain(key);
    writeFileSync(dir.file('imported.yaml'), imported.stdout);
    expect((await hscc(['validate', 'imported.yaml', '--strict'])).code).toBe(0);
    expect((await hscc(['plan', 'imported.yaml', '--detailed-exitcode'])).code).toBe(0);
    const shown = JSON.parse((await hscc(['plan', 'imported.yaml', '--json'])).stdout);
    expect(shown.changes.find((c: { resource: string }) => c.resource === 'calling-settings').after.name).toBe(name);
    const none = await hscc(['import', '--app-id', '4999']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/has no calling settings, recording settings or channel connection/);
  });

  it('import of values HubSpot holds but the config rules refuse prints the document, names each value and fails', async () => {
    write(extension(4002, { apiVersion: '2026-03' }));
    await hscc(['apply', '--auto-approve']);
    // The emulator, like HubSpot, takes a blank name and an http: dialer on a public host.
    const patched = await fetch(`${emulator.url}/crm/extensions/calling/2026-03/4002/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '   ', url: 'http://app.acme.example/dialer' }),
    });
    expect(patched.status).toBe(200);

    const imported = await hscc(['import', '--app-id', '4002', '--api-version', '2026-03']);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('name: "   "');
    expect(imported.stderr).toMatch(/^error: \(import\):\d+:9 calling\.name: name must not be blank: it is only whitespace$/m);
    expect(imported.stderr).toMatch(/^error: \(import\):\d+:8 calling\.url: "http:\/\/app\.acme\.example\/dialer" uses http:/m);
    expect(imported.stderr).toMatch(/the imported document does not validate: HubSpot holds values hscc's rules refuse \(2 errors above\)/);
    // The line each error names is the line of the printed document that holds the value.
    const lines = imported.stdout.split('\n');
    const line = Number(/\(import\):(\d+):9 calling\.name/.exec(imported.stderr)?.[1]);
    expect(lines[line - 1]).toBe('  name: "   "');

    const json = await hscc(['import', '--app-id', '4002', '--api-version', '2026-03', '--json']);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['calling.name', 'invalid-value'],
      ['calling.url', 'insecure-url'],
    ]);
    expect(document.yaml).toBe(imported.stdout);
  });

  it('import of a value that holds a credential prints it redacted, names it at its position and fails', async () => {
    write(extension(4003, { apiVersion: '2026-03' }));
    await hscc(['apply', '--auto-approve']);
    const patched = await fetch(`${emulator.url}/crm/extensions/calling/2026-03/4003/settings/channel-connection`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `https://calls.example.com/hook?key=${ACCESS_TOKEN}` }),
    });
    expect(patched.status).toBe(200);
    const imported = await hscc(['import', '--app-id', '4003', '--api-version', '2026-03']);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('url: https://calls.example.com/hook?key=[REDACTED]');
    const at = /^error: \(import\):(\d+):(\d+) settings\.url: the value holds a credential's value/m.exec(imported.stderr);
    expect(at, imported.stderr).not.toBeNull();
    const line = imported.stdout.split('\n')[Number(at?.[1]) - 1] ?? '';
    expect(line.slice(Number(at?.[2]) - 1)).toBe('https://calls.example.com/hook?key=[REDACTED]');
    expect(imported.stdout + imported.stderr).not.toContain(ACCESS_TOKEN);
  });

  it('a value that is a credential, or ends in one cut short, is redacted as a quoted string: the document stays valid YAML', async () => {
    write(extension(4004, { apiVersion: '2026-03' }));
    await hscc(['apply', '--auto-approve']);
    // A name that is the token, as HubSpot would hold it, and one that ends in its first 12 characters.
    for (const [field, value] of [['name', ACCESS_TOKEN], ['url', `https://app.example.com/d/${ACCESS_TOKEN.slice(0, 12)}`]] as const) {
      const patched = await fetch(`${emulator.url}/crm/extensions/calling/2026-03/4004/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ [field]: value }),
      });
      expect(patched.status).toBe(200);
    }
    const imported = await hscc(['import', '--app-id', '4004', '--api-version', '2026-03']);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('  name: "[REDACTED]"\n');
    expect(imported.stdout).toContain('  url: https://app.example.com/d/[REDACTED]\n');
    expect(imported.stderr.match(/holds a credential's value/g)).toHaveLength(2);
    expect(imported.stdout + imported.stderr).not.toContain(ACCESS_TOKEN.slice(0, 12));
    // Saved and validated, it says only what the import said: no list, no syntax error.
    write(imported.stdout);
    const validate = await hscc(['validate', '--json']);
    expect(JSON.parse(validate.stdout).errors).toEqual([]);
  });

  it('a read-only token plans, drifts and imports; apply fails on its first write naming developers-write, writing nothing', async () => {
    write(extension(5001, { apiVersion: '2026-03' }));
    await hscc(['apply', '--auto-approve']);
    write(extension(5001, { apiVersion: '2026-03', width: 999 }));
    const readOnly = { HUBSPOT_ACCESS_TOKEN: 'e2e-read-only-token-77aa' };
    expect((await hscc(['plan', '--detailed-exitcode'], readOnly)).code).toBe(2);
    expect((await hscc(['drift'], readOnly)).code).toBe(2);
    expect((await hscc(['import', '--app-id', '5001', '--api-version', '2026-03'], readOnly)).code).toBe(0);

    const mark = (await requestLog(emulator)).length;
    const apply = await hscc(['apply', '--auto-approve'], readOnly);
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toMatch(/403/);
    // hscc's own hint, not only the emulator's message: HubSpot's 403 message does not name the scope.
    expect(apply.stdout + apply.stderr).toMatch(/\n {2}hint: The access token in HUBSPOT_ACCESS_TOKEN needs scope developers-write/);
    const writes = (await requestLog(emulator)).slice(mark).filter((entry) => entry.method !== 'GET');
    expect(writes).toHaveLength(1);
    expect(writes.every((entry) => !entry.wrote)).toBe(true);
    expect((await emulatorState(emulator))['5001']?.['calling-settings']).toMatchObject({ width: 400 });
    expect(leaksSecret(apply.stdout + apply.stderr) || (apply.stdout + apply.stderr).includes('e2e-read-only-token-77aa')).toBe(false);
  });

  it('a read-only token over 20 apps: one round of refused writes, the rest not sent, nothing written', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => 5100 + i);
    write(ids.map((id) => extension(id, { apiVersion: '2026-03', recording: false })).join('---\n'));
    const mark = (await requestLog(emulator)).length;
    const apply = await hscc(['apply', '--auto-approve', '--parallelism', '4'], { HUBSPOT_ACCESS_TOKEN: 'e2e-read-only-token-77aa' });
    expect(apply.code).toBe(1);
    const writes = (await requestLog(emulator)).slice(mark).filter((entry) => entry.method !== 'GET');
    // Only the writes already in flight when the first 403 MISSING_SCOPES came (at most the parallelism).
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(4);
    expect(writes.every((entry) => !entry.wrote)).toBe(true);
    expect(apply.stdout).toMatch(/not attempted: HubSpot refused writes with the access token in HUBSPOT_ACCESS_TOKEN \(403 MISSING_SCOPES for app 51\d\d\)/);
    expect(apply.stdout + apply.stderr).toMatch(/Apply failed for 40 of 40 changes \(\d+ failed, \d+ not attempted\)/);
    for (const id of ids) expect((await emulatorState(emulator))[String(id)]).toBeUndefined();
  });

  it('refuses what HubSpot cannot do, with a clear error', async () => {
    writeFileSync(dir.file('bad.yaml'), 'appId: 6001\nrecording:\n  ensure: absent\n');
    const recording = await hscc(['validate', 'bad.yaml']);
    expect(recording.code).toBe(1);
    expect(recording.stderr).toMatch(/cannot delete recording settings/);
    writeFileSync(dir.file('partial.yaml'), 'appId: 6002\ncalling:\n  name: Acme\n');
    const partial = await hscc(['validate', 'partial.yaml']);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/partial\.yaml:3:3 calling: missing required keys `url`, `width`/);
  });
});

describe('secrets', () => {
  it('no credential appears in any output of these runs', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const output of outputs) expect(leaksSecret(output.stdout + output.stderr) || (output.stdout + output.stderr).includes(ACCESS_TOKEN)).toBe(false);
  });
});
