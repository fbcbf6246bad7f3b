import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  API_KEY,
  appDocument as app,
  controlEmulator,
  channelConnections,
  envFor,
  leaksSecret,
  runCli,
  runWithReaderGone,
  startEmulator,
  startService,
  type CliResult,
  type Service,
} from './harness.js';

const outputs: CliResult[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('saved plans, drift, import and targets (real CLI)', () => {
  let emulator: Service;
  let dir: TempDir;

  const hscc = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const result = await runCli(args, { env: envFor(emulator, extra), cwd: dir.path });
    outputs.push(result);
    return result;
  };
  const writeConfig = (text: string) => writeFileSync(dir.file('channel-connection.yaml'), text);

  beforeAll(async () => {
    emulator = await startEmulator();
    dir = tempDir();
  });
  afterEach(() => controlEmulator(emulator, 'POST', 'reset'));
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('applies a saved plan exactly, without a prompt, and refuses to apply it twice', async () => {
    writeConfig(`${app(11)}---\n${app(12, { apiVersion: '2026-03', isReady: false })}`);
    const plan = await hscc(['plan', '--out', 'plan.json']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Saved the plan to plan.json');
    const saved = JSON.parse(readFileSync(dir.file('plan.json'), 'utf8'));
    expect(saved.formatVersion).toBe(1);
    expect(saved.savedPlan.observed).toEqual({ '11/channel-connection': { present: false }, '12/channel-connection': { present: false } });

    // Later config edits are ignored: the plan was the review.
    writeConfig(app(11, { isReady: false }));
    const apply = await hscc(['apply', 'plan.json']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 2 created');
    expect((await channelConnections(emulator))['11']?.isReady).toBe(true);

    const again = await hscc(['apply', 'plan.json']);
    expect(again.code).toBe(1);
    // Remote state equals the plan's result: said as such, not as "changed".
    expect(again.stderr).toMatch(/was already applied/);
  });

  it('a saved plan named .yaml is applied as a saved plan, not read as config', async () => {
    writeConfig(app(13));
    expect((await hscc(['plan', '--out', 'saved.yaml'])).code).toBe(0);
    const apply = await hscc(['apply', 'saved.yaml']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 1 created');
    expect((await channelConnections(emulator))['13']?.isReady).toBe(true);
  });

  it('refuses a stale plan when remote state changed between plan and apply, writing nothing', async () => {
    writeConfig(app(21, { isReady: false }));
    await hscc(['apply', '--auto-approve']);
    writeConfig(app(21, { isReady: true }));
    expect((await hscc(['plan', '--out', 'plan.json', '--detailed-exitcode'])).code).toBe(2);

    // Someone changes the app in HubSpot after the review.
    await controlEmulator(emulator, 'PUT', 'state', { apps: { '21': { url: 'https://elsewhere.example.com/x', isReady: false } } });
    const before = await channelConnections(emulator);
    const apply = await hscc(['apply', 'plan.json', '--json']);
    expect(apply.code).toBe(1);
    expect(JSON.parse(apply.stdout).error.message).toMatch(/stale[\s\S]*app 21/);
    expect(await channelConnections(emulator)).toEqual(before);
  });

  it('refuses an edited or truncated plan file', async () => {
    writeConfig(app(31));
    await hscc(['plan', '--out', 'plan.json']);
    const text = readFileSync(dir.file('plan.json'), 'utf8');
    writeFileSync(dir.file('edited.json'), text.replace('"isReady": true', '"isReady": false'));
    writeFileSync(dir.file('truncated.json'), text.slice(0, text.length / 2));
    expect((await hscc(['apply', 'edited.json'])).stderr).toMatch(/edited/);
    expect((await hscc(['apply', 'truncated.json'])).stderr).toMatch(/truncated|not a complete/);
    expect(await channelConnections(emulator)).toEqual({});
  });

  it('drift: 0 in sync, 2 when HubSpot changed, with JSON and markdown for alerting', async () => {
    const summary = dir.file('step-summary.md');
    writeFileSync(summary, '');
    writeConfig(`${app(41)}---\n${app(42)}`);
    await hscc(['apply', '--auto-approve']);
    expect((await hscc(['drift'])).code).toBe(0);

    await controlEmulator(emulator, 'PUT', 'state', {
      apps: { '41': { url: 'https://calls.example.com/41', isReady: false }, '42': { url: 'https://calls.example.com/42', isReady: true } },
    });
    const json = await hscc(['drift', '--json']);
    expect(json.code).toBe(2);
    const document = JSON.parse(json.stdout);
    expect(document.changes.map((c: { appId: number; action: string }) => [c.appId, c.action])).toEqual([
      [41, 'update'],
      [42, 'no-op'],
    ]);

    const markdown = await hscc(['drift', '--format', 'markdown'], { GITHUB_STEP_SUMMARY: summary });
    expect(markdown.code).toBe(2);
    expect(markdown.stdout).toMatch(/^<!-- hscc:drift/);
    expect(readFileSync(summary, 'utf8')).toContain('41');
  });

  it('--target limits a run to some apps; an unknown target is an error', async () => {
    writeConfig(`${app(51)}---\n${app(52)}`);
    const plan = await hscc(['plan', '--json', '--target', '52']);
    expect(JSON.parse(plan.stdout).changes.map((c: { appId: number }) => c.appId)).toEqual([52]);
    const unknown = await hscc(['plan', '--target', '99']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--target .*99/);
  });

  it('import prints a document that validates and plans as no-op, for both flavours', async () => {
    await controlEmulator(emulator, 'PUT', 'state', {
      apps: {
        '61': { url: 'https://calls.example.com/61', isReady: true },
        '62': { url: 'https://calls.example.com/62', isReady: false },
      },
    });
    const v3 = await hscc(['import', '--app-id', '61']);
    const modern = await hscc(['import', '--app-id', '62', '--api-version', '2026-03']);
    expect(v3.code).toBe(0);
    expect(modern.stdout).toContain('apiVersion: 2026-03');
    writeFileSync(dir.file('imported.yaml'), `${v3.stdout}---\n${modern.stdout}`);
    expect((await hscc(['validate', 'imported.yaml', '--strict'])).code).toBe(0);
    expect((await hscc(['plan', 'imported.yaml', '--detailed-exitcode'])).code).toBe(0);

    const missing = await hscc(['import', '--app-id', '63']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no calling settings, recording settings or channel connection/);
  });

  it('apply whose reader goes away (| head) still makes every write, and its exit code says how they went', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => 70_001 + i);
    writeConfig(ids.map((id) => app(id)).join('---\n'));
    // The plan it prints first is larger than a pipe holds, so the pipe closes before the writes.
    const { code, stderr } = await runWithReaderGone(['apply', '--auto-approve'], { cwd: dir.path, env: envFor(emulator) });
    expect(stderr).not.toMatch(/Unhandled 'error' event|EPIPE|\n\s+at /);
    expect(code).toBe(0);
    expect(Object.keys(await channelConnections(emulator))).toHaveLength(ids.length);
  });
});

describe('webhook drift and import --probe (real CLI, serve + emulator)', () => {
  let emulator: Service;
  let webhook: Service;
  let dir: TempDir;
  let url: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/hubspot/numbers`;
    // Portal 42 answers a number of its own.
    const portal = ['portals:', '  "42":', '    phoneNumbers:', '      - {e164PhoneNumber: "+61255501234", friendlyName: Sydney}', ''].join('\n');
    dir = tempDir({ 'channel-connection.yaml': app(71, { url, numbers: ['+14155552671', '+442079460958'] }) + portal });
    webhook = await startService(['serve', '--port', String(port)], { env: envFor(emulator), cwd: dir.path });
    const apply = await runCli(['apply', '--auto-approve'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(apply);
    expect(apply.code).toBe(0);
  });
  afterAll(async () => {
    await webhook?.stop();
    await emulator?.stop();
    dir?.remove();
  });

  it('drift --probe is 0 when the webhook answers the declared numbers, 2 when they differ', async () => {
    const inSync = await runCli(['drift', '--probe'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(inSync);
    expect(inSync.code).toBe(0);

    // The config gained a number the running webhook does not answer yet.
    writeFileSync(dir.file('next.yaml'), app(71, { url, numbers: ['+14155552671', '+442079460958', '+61255501234'] }));
    const drift = await runCli(['drift', 'next.yaml', '--probe', '--json'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(drift);
    expect(drift.code).toBe(2);
    const webhookFinding = JSON.parse(drift.stdout).changes[0].webhook;
    expect(webhookFinding.status).toBe('mismatch');
    expect(webhookFinding.missing.map((n: { e164PhoneNumber: string }) => n.e164PhoneNumber)).toEqual(['+61255501234']);
  });

  it('import --probe fills phoneNumbers from the live webhook', async () => {
    const result = await runCli(['import', '--app-id', '71', '--probe'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('+14155552671');
    expect(result.stdout).toContain('+442079460958');
  });

  it('import --probe --portal-id puts that portal\'s numbers under portals, beside the default: its drift --probe is clean', async () => {
    const result = await runCli(['import', '--app-id', '71', '--probe', '--portal-id', '42'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nphoneNumbers:\n {2}- e164PhoneNumber: "\+14155552671"[^]*\nportals:\n {2}"42":\n {4}phoneNumbers:\n {6}- e164PhoneNumber: "\+61255501234"\n {8}friendlyName: Sydney\n/);
    writeFileSync(dir.file('imported.yaml'), result.stdout);
    const drift = await runCli(['drift', 'imported.yaml', '--probe'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(drift);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    const userOnly = await runCli(['import', '--app-id', '71', '--probe', '--user-id', '7'], { env: envFor(emulator), cwd: dir.path });
    expect(userOnly.code).toBe(1);
    expect(userOnly.stderr).toContain('--user-id needs --portal-id');
  });

  it('import --probe does not probe a webhook URL with credentials, whose password it only has redacted: it says so and reports the URL', async () => {
    const withUser = url.replace('http://', 'http://alice:s3cretpw@');
    // Created through the API directly: hscc's rules refuse such a URL in a config.
    const created = await fetch(`${emulator.url}/crm/v3/extensions/calling/72/settings/channel-connection?hapikey=${API_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: withUser, isReady: true }),
    });
    expect(created.status).toBe(200);
    const result = await runCli(['import', '--app-id', '72', '--probe'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('note: the webhook was not probed: its URL carries credentials');
    expect(result.stderr).toMatch(/settings\.url: /);
    expect(result.stdout).toContain('phoneNumbers: []');
  });

  it('a webhook that cannot be reached is an error (1), not drift', async () => {
    writeFileSync(dir.file('dead.yaml'), app(71, { url: 'http://127.0.0.1:9/nothing-here', numbers: ['+14155552671'] }));
    const result = await runCli(['drift', 'dead.yaml', '--probe', '--timeout', '2s'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    expect(result.code).toBe(1);
  });
});

describe('hundreds of apps under a rate limit (real CLI)', () => {
  let emulator: Service;
  let dir: TempDir;
  const ids = Array.from({ length: 500 }, (_, i) => 100_000 + i);

  beforeAll(async () => {
    emulator = await startEmulator(['--rate-limit', '200/1000']);
    dir = tempDir({ 'fleet.yaml': ids.map((id) => app(id)).join('---\n') });
  });
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('plans 500 apps in appId order without one rate-limited request', async () => {
    const result = await runCli(['plan', 'fleet.yaml', '--json', '--parallelism', '20'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.summary.create).toBe(500);
    expect(document.changes.map((c: { appId: number }) => c.appId)).toEqual(ids);
    const counters = (await (await fetch(`${emulator.url}/__emulator/requests`)).json()) as { rateLimited: number; byMethod: Record<string, number> };
    expect(counters.byMethod.GET).toBe(500);
    expect(counters.rateLimited).toBe(0);
  });
});

describe('secrets', () => {
  it('no credential appears in any output of these runs', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const output of outputs) expect(leaksSecret(output.stdout + output.stderr)).toBe(false);
  });
});
