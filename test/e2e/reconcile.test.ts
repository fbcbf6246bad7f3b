import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { appDocument, channelConnections, envFor, leaksSecret, requestLog, runCli, startEmulator, type CliResult, type Service } from './harness.js';

const V3_APP = 1234567;
const NEW_APP = 2345678;
const GONE_APP = 3456789;

function config(options: { v3Ready: boolean; newUrl: string; goneEnsure: 'present' | 'absent' }): string {
  return `# yaml-language-server: $schema=../schemas/channel-connection.schema.json
appId: ${V3_APP}
settings:
  url: https://calls.example.com/hubspot
  isReady: ${options.v3Ready}
phoneNumbers:
  - e164PhoneNumber: "+14155552671"
    friendlyName: Support
---
appId: \${NEW_APP_ID}
apiVersion: "2026-03"
settings:
  url: ${options.newUrl}
  isReady: false
phoneNumbers: []
---
appId: ${GONE_APP}
ensure: ${options.goneEnsure}
${options.goneEnsure === 'present' ? 'settings:\n  url: https://old.example.com/hook\n  isReady: true\n' : ''}phoneNumbers: []
`;
}

describe('plan and apply against the emulator (real CLI)', () => {
  let emulator: Service;
  let dir: TempDir;
  const outputs: CliResult[] = [];

  const hscc = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const result = await runCli(args, { env: envFor(emulator, { NEW_APP_ID: String(NEW_APP), ...extra }), cwd: dir.path });
    outputs.push(result);
    return result;
  };
  const write = (text: string) => writeFileSync(dir.file('channel-connection.yaml'), text);

  beforeAll(async () => {
    emulator = await startEmulator();
    dir = tempDir({ 'channel-connection.yaml': config({ v3Ready: true, newUrl: 'https://calls.example.com/new', goneEnsure: 'present' }) });
  });

  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('plans creations with detailed exit code 2 and writes nothing', async () => {
    const result = await hscc(['plan', '--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`# app ${V3_APP} channel-connection will be created`);
    expect(result.stdout).toContain(`# app ${NEW_APP} channel-connection will be created`);
    expect(result.stdout).toContain('Plan: 3 to create, 0 to update, 0 to delete.');
    expect(await channelConnections(emulator)).toEqual({});
  });

  it('refuses to apply without a TTY or --auto-approve, changing nothing', async () => {
    const result = await hscc(['apply']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--auto-approve/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await channelConnections(emulator)).toEqual({});
  });

  it('creates through both API flavours, then plans no changes', async () => {
    const apply = await hscc(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 3 created, 0 updated, 0 deleted.');
    const state = await channelConnections(emulator);
    expect(state[String(V3_APP)]).toMatchObject({ url: 'https://calls.example.com/hubspot', isReady: true });
    expect(state[String(NEW_APP)]).toMatchObject({ url: 'https://calls.example.com/new', isReady: false });

    const plan = await hscc(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toBe('No changes. Remote settings match the configuration.\n');
  });

  it('updates only changed fields and deletes what is declared absent', async () => {
    write(config({ v3Ready: false, newUrl: 'https://calls.example.com/moved', goneEnsure: 'absent' }));
    const plan = await hscc(['plan', '--json']);
    expect(plan.code).toBe(0);
    const document = JSON.parse(plan.stdout);
    expect(document.formatVersion).toBe(1);
    expect(document.summary).toEqual({ create: 0, update: 2, delete: 1, noop: 0 });
    expect(document.changes.map((c: { appId: number; action: string }) => [c.appId, c.action])).toEqual([
      [V3_APP, 'update'],
      [NEW_APP, 'update'],
      [GONE_APP, 'delete'],
    ]);
    expect(document.changes[0].changedFields).toEqual(['isReady']);

    const apply = await hscc(['apply', '--auto-approve', '--json']);
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout);
    expect(applied.changes.every((c: { applied: boolean }) => c.applied)).toBe(true);
    const state = await channelConnections(emulator);
    expect(state[String(V3_APP)]?.isReady).toBe(false);
    expect(state[String(NEW_APP)]?.url).toBe('https://calls.example.com/moved');
    expect(state[String(GONE_APP)]).toBeUndefined();

    expect((await hscc(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('fails up front, naming the variable, when a credential is missing', async () => {
    const result = await hscc(['plan'], { HUBSPOT_ACCESS_TOKEN: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HUBSPOT_ACCESS_TOKEN');
  });

  it('a wrong key is a clear 401 error with no stack trace', async () => {
    const result = await hscc(['plan'], { HUBSPOT_DEVELOPER_API_KEY: 'wrong-key-value' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a wrong key for 40 apps sends at most one round of requests, and names the rest in one line', async () => {
    writeFileSync(dir.file('fleet.yaml'), Array.from({ length: 40 }, (_, i) => appDocument(9000 + i)).join('---\n'));
    const before = (await requestLog(emulator)).length;
    const result = await hscc(['plan', 'fleet.yaml', '--parallelism', '5'], { HUBSPOT_DEVELOPER_API_KEY: 'wrong-key-value' });
    const sent = (await requestLog(emulator)).length - before;
    expect(result.code).toBe(1);
    // Only the calls already in flight when the first 401 came (at most the parallelism) were sent.
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(5);
    expect(result.stderr.match(/failed: 401 INVALID_AUTHENTICATION/g)).toHaveLength(sent);
    expect(result.stderr).toContain(`  ${40 - sent} more not attempted (apps `);
    expect(result.stderr).toMatch(/: HubSpot refused the developer API key in HUBSPOT_DEVELOPER_API_KEY \(401 for app 90\d\d\)\n/);
  });

  it('never prints a credential, whatever happened', () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const output of outputs) {
      expect(leaksSecret(output.stdout + output.stderr)).toBe(false);
      expect(output.stdout + output.stderr).not.toContain('wrong-key-value');
    }
  });
});
