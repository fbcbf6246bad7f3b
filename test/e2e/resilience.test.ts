import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  appDocument,
  controlEmulator,
  emulatorState,
  envFor,
  leaksSecret,
  runCli,
  startEmulator,
  type CliResult,
  type Service,
} from './harness.js';

/** A config of several apps, one document each. */
function fleet(appIds: readonly number[]): string {
  return appIds.map((appId) => appDocument(appId)).join('---\n');
}

async function requests(emulator: Service): Promise<{ total: number; byMethod: Record<string, number>; rateLimited: number }> {
  return (await fetch(`${emulator.url}/__emulator/requests`)).json() as Promise<{
    total: number;
    byMethod: Record<string, number>;
    rateLimited: number;
  }>;
}

const outputs: CliResult[] = [];

describe('faults in the middle of a run (real CLI, emulator faults)', () => {
  let emulator: Service;
  let dir: TempDir;
  const apps = [101, 102, 103];

  const hscc = async (args: string[]) => {
    const result = await runCli(args, { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    dir = tempDir({ 'channel-connection.yaml': fleet(apps) });
  });
  afterEach(() => controlEmulator(emulator, 'POST', 'reset'));
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('a 5xx that outlasts the retries fails that app only; a re-apply converges', async () => {
    await controlEmulator(emulator, 'POST', 'faults', { method: 'POST', count: 6, kind: '503+retry-after=0' });
    const first = await hscc(['apply', '--auto-approve', '--parallelism', '1']);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('✗ app 101 channel-connection: create failed');
    expect(first.stdout).toMatch(/after 6 attempts/);
    expect(first.stdout).toContain('✓ app 102 channel-connection: created');
    expect(first.stdout).toContain('✓ app 103 channel-connection: created');
    expect(Object.keys(await emulatorState(emulator)).sort()).toEqual(['102', '103']);

    const second = await hscc(['apply', '--auto-approve']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('✓ app 101 channel-connection: created');
    expect(second.stdout).not.toContain('app 102');
    expect((await hscc(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a write that took effect before its 500 is re-read, not repeated', async () => {
    await controlEmulator(emulator, 'POST', 'faults', { method: 'POST', count: 1, kind: '500-after-write' });
    const result = await hscc(['apply', '--auto-approve', '--parallelism', '1']);
    expect(result.code).toBe(0);
    expect((await requests(emulator)).byMethod.POST).toBe(3);
    expect(Object.keys(await emulatorState(emulator))).toHaveLength(3);
  });

  it('connection resets and truncated JSON are retried', async () => {
    await controlEmulator(emulator, 'POST', 'faults', { method: 'GET', count: 2, kind: 'truncated' });
    await controlEmulator(emulator, 'POST', 'faults', { method: 'POST', count: 1, kind: 'reset' });
    const result = await hscc(['apply', '--auto-approve', '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.changes.map((c: { applied: boolean }) => c.applied)).toEqual([true, true, true]);
  });

  it('a DAILY limit stops at once with a clear message', async () => {
    await controlEmulator(emulator, 'POST', 'faults', { method: 'GET', count: 1, kind: '429-daily' });
    const result = await hscc(['plan', '--parallelism', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/daily/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a DAILY limit over 30 apps sends at most one round of requests, and names the rest in one line', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => 7000 + i);
    writeFileSync(dir.file('fleet.yaml'), fleet(ids));
    await controlEmulator(emulator, 'POST', 'faults', { method: 'GET', count: 30, kind: '429-daily' });
    const before = (await requests(emulator)).total;
    const result = await hscc(['plan', 'fleet.yaml', '--parallelism', '5']);
    const sent = (await requests(emulator)).total - before;
    expect(result.code).toBe(1);
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(5);
    expect(result.stderr.match(/HubSpot's daily API limit is reached \(429 RATE_LIMITS/g)).toHaveLength(sent);
    expect(result.stderr).toContain(`  ${30 - sent} more not attempted (apps `);
    expect(result.stderr).toMatch(/: HubSpot's daily API limit is reached for the developer API key in HUBSPOT_DEVELOPER_API_KEY \(429 DAILY for app 70\d\d\)\n/);
    expect(result.stderr).toContain("hint: The daily limit resets at midnight in the HubSpot account's time zone");
  });
});

describe('a 429 storm under a tight rate limit (real CLI)', () => {
  let emulator: Service;
  let dir: TempDir;
  const apps = Array.from({ length: 20 }, (_, i) => 500 + i);

  beforeAll(async () => {
    emulator = await startEmulator(['--rate-limit', '10/1000', '--fault', 'GET:5:429']);
    dir = tempDir({ 'fleet.yaml': fleet(apps) });
  });
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('converges: every app applied, then no changes', async () => {
    const apply = await runCli(['apply', 'fleet.yaml', '--auto-approve', '--parallelism', '10'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(apply);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 20 created, 0 updated, 0 deleted.');
    expect(Object.keys(await emulatorState(emulator))).toHaveLength(20);
    expect((await requests(emulator)).rateLimited).toBeGreaterThanOrEqual(5);

    const plan = await runCli(['plan', 'fleet.yaml', '--detailed-exitcode'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(plan);
    expect(plan.code).toBe(0);
  });
});

describe('secrets', () => {
  it('no credential appears in any output of these runs', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(6);
    for (const output of outputs) expect(leaksSecret(output.stdout + output.stderr)).toBe(false);
  });
});
