// The CLI against servers it does not control and outputs that fail: every
// fault ends in exit 1 with a clear message, bounded in time and memory, and
// no secret reaches any output or any file hscc writes.
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileServer, type HostileMode, type HostileServer } from '../helpers/hostile-server.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { API_KEY, appDocument, CLI, emulatorState, envFor, leaksSecret, requestLog, runCli, runWithReaderGone, startEmulator, startStub, type CliResult, type Service } from './harness.js';

const outputs: CliResult[] = [];

describe('a hostile API (real CLI, hostile stub server)', () => {
  let hostile: HostileServer;
  let dir: TempDir;

  beforeAll(async () => {
    hostile = await startHostileServer('html-404');
    dir = tempDir({ 'channel-connection.yaml': appDocument(71) });
  });
  afterAll(async () => {
    await hostile?.close();
    dir?.remove();
  });

  it.each<[HostileMode, RegExp]>([
    ['huge-body', /larger than 1 MiB|1 MiB/],
    ['endless-chunked', /larger than 1 MiB|1 MiB/],
    ['cut-off', /cut off/],
    ['html-404', /base URL/],
    ['html-502', /502/],
    ['hang-after-headers', /timed out/],
    ['trickle', /timed out|1 MiB/],
    ['echo-secrets', /401/],
  ])('%s: exit 1 with a clear message, no secret anywhere', async (mode, message) => {
    hostile.setMode(mode);
    const summary = dir.file(`summary-${mode}.md`);
    writeFileSync(summary, '');
    const result = await runCli(['plan', '--json', '--timeout', '1s', '--out', `plan-${mode}.json`], {
      env: envFor({ url: hostile.url } as Service, { GITHUB_STEP_SUMMARY: summary }),
      cwd: dir.path,
    });
    outputs.push(result);
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.error.message).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    // A failed plan writes no plan file, and a step summary that says what failed.
    expect(existsSync(dir.file(`plan-${mode}.json`))).toBe(false);
    const written = readFileSync(summary, 'utf8');
    expect(written).toMatch(/failed/);
    for (const text of [result.stdout, result.stderr, written]) expect(leaksSecret(text)).toBe(false);
    // A 502 is retried 5 times with backoff (up to ~31 s in all): give the run room.
  }, 60_000);
});

describe('a server that echoes the key into a value (real CLI)', () => {
  let server: Server;
  let url: string;
  let dir: TempDir;

  beforeAll(async () => {
    // A 200 whose url field carries the hapikey it was sent, percent-encoded and raw.
    ({ server, url } = await startStub((req, res) => {
      const key = new URL(req.url ?? '/', 'http://x').searchParams.get('hapikey') ?? '';
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': key });
      res.end(JSON.stringify({ url: `https://calls.example.com/hook?k=${encodeURIComponent(key)}&raw=${key}`, isReady: true, updatedAt: '2024-04-30 12:01' }));
    }));
    dir = tempDir({ 'channel-connection.yaml': appDocument(72) });
  });
  afterAll(() => {
    server?.close();
    dir?.remove();
  });

  it('scrubs it from stdout and the step summary, and refuses to save a plan that would hold it', async () => {
    const summary = dir.file('summary.md');
    writeFileSync(summary, '');
    const env = envFor({ url } as Service, { GITHUB_STEP_SUMMARY: summary });
    const results = [
      await runCli(['plan', '--out', 'plan.json'], { env, cwd: dir.path }),
      await runCli(['plan', '--json'], { env, cwd: dir.path }),
      await runCli(['plan', '--format', 'markdown'], { env, cwd: dir.path }),
      await runCli(['plan', '--out', 'plan.json', '--json'], { env, cwd: dir.path }),
      await runCli(['plan', '--out', 'plan.json', '--format', 'markdown'], { env, cwd: dir.path }),
    ];
    outputs.push(...results);
    expect(results.map((r) => r.code)).toEqual([1, 0, 0, 1, 1]);
    // One document each, the plan carrying the error: not a plan followed by an error document.
    const json = JSON.parse(results[3]?.stdout ?? '');
    expect(json.error.message).toMatch(/^cannot save the plan to plan\.json/);
    expect(json.changes).toHaveLength(1);
    expect(results[4]?.stdout.match(/<!-- hscc:plan/g)).toHaveLength(1);
    expect(results[4]?.stdout).toMatch(/❌ \*\*error:\*\* `cannot save the plan to plan\.json/);
    // A redacted plan could never be applied as reviewed: none is written, and the run says why.
    expect(existsSync(dir.file('plan.json'))).toBe(false);
    expect(results[0]?.stderr).toMatch(/cannot save the plan to plan\.json: it would hold a credential's value \(app 72 channel-connection\)/);
    expect(results[0]?.stdout).toContain('[REDACTED]');
    for (const text of [...results.flatMap((r) => [r.stdout, r.stderr]), readFileSync(summary, 'utf8')]) expect(leaksSecret(text)).toBe(false);
  });
});

describe('HubSpot holds URLs with a user name and password (real CLI, emulator)', () => {
  const PASSWORDS = ['alice-user', 's3cret-pass-771', 'dialer-pw-9931'];
  let emulator: Service;
  let dir: TempDir;
  const calling = { name: 'Dialer', width: 400, height: 600, isReady: true, supportsCustomObjects: false, supportsInboundCalling: false, usesCallingWindow: false, usesRemote: false };

  beforeAll(async () => {
    emulator = await startEmulator();
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.url}/crm/v3/extensions/calling/91/${path}?hapikey=${API_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('settings', { ...calling, url: 'https://dialer-pw-9931@app.example.com/dialer' })).status).toBe(200);
    expect((await post('settings/channel-connection', { url: 'https://alice-user:s3cret-pass-771@calls.example.com/91', isReady: true })).status).toBe(200);
    const callingYaml = Object.entries({ ...calling, url: 'https://app.example.com/dialer' }).map(([key, value]) => `  ${key}: ${value}`);
    dir = tempDir({ 'channel-connection.yaml': `${appDocument(91)}calling:\n${callingYaml.join('\n')}\n` });
  });
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  const leaksUserinfo = (text: string) => PASSWORDS.some((secret) => text.includes(secret));

  it('no plan, saved plan, show, drift or import shows them; apply replaces the URLs and converges', async () => {
    const env = envFor(emulator);
    const run = async (args: string[]) => {
      const result = await runCli(args, { env, cwd: dir.path });
      outputs.push(result);
      return result;
    };
    const plans = [await run(['plan']), await run(['plan', '--json']), await run(['plan', '--format', 'markdown']), await run(['plan', '--out', 'plan.yaml'])];
    expect(plans.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(plans[0]?.stdout).toContain('"https://[REDACTED]@calls.example.com/91" -> "https://calls.example.com/91"');
    expect(JSON.parse(plans[1]?.stdout ?? '').changes.map((c: { changedFields: string[] }) => c.changedFields)).toEqual([['url'], ['url']]);
    const others = [await run(['show', 'plan.yaml']), await run(['drift', '--json']), await run(['import', '--app-id', '91'])];
    expect(others.map((r) => r.code)).toEqual([0, 2, 1]);
    // Import prints what HubSpot holds, redacted, and says the rules refuse it.
    expect(others[2]?.stdout).toContain('url: https://[REDACTED]@calls.example.com/91');
    expect(others[2]?.stderr).toMatch(/\(import\):\d+:\d+ settings\.url: .*holds a user name or password/);
    for (const result of [...plans, ...others]) expect(leaksUserinfo(result.stdout + result.stderr)).toBe(false);
    expect(leaksUserinfo(readFileSync(dir.file('plan.yaml'), 'utf8'))).toBe(false);

    expect((await run(['apply', 'plan.yaml'])).code).toBe(0);
    const state = await emulatorState(emulator);
    expect(state['91']?.['calling-settings']?.url).toBe('https://app.example.com/dialer');
    expect(state['91']?.['channel-connection']?.url).toBe('https://calls.example.com/91');
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a config that holds them is refused at their line, without quoting them, and nothing is sent', async () => {
    const before = (await requestLog(emulator)).length;
    writeFileSync(dir.file('bad.yaml'), appDocument(92, { url: 'https://alice-user:s3cret-pass-771@calls.example.com/92' }));
    const result = await runCli(['validate', 'bad.yaml'], { env: envFor(emulator), cwd: dir.path });
    const planned = await runCli(['plan', 'bad.yaml'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result, planned);
    for (const refused of [result, planned]) {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/bad\.yaml:3:8 settings\.url: "https:\/\/\[REDACTED\]@calls\.example\.com\/92" holds a user name or password/);
      expect(refused.stderr).toContain('hint: write "https://calls.example.com/92"');
      expect(leaksUserinfo(refused.stdout + refused.stderr)).toBe(false);
    }
    expect((await requestLog(emulator)).length).toBe(before);
  });
});

describe('outputs that fail and debug output that would leak (real CLI)', () => {
  let dir: TempDir;
  beforeAll(() => {
    // 3,000 warnings (numbers with extensions): output far larger than a pipe's buffer.
    const numbers = Array.from({ length: 3000 }, (_, i) => `  - e164PhoneNumber: "+1415555${String(1000 + i).padStart(4, '0')}"\n    extension: "1"\n    friendlyName: Line ${i}`);
    dir = tempDir({ 'channel-connection.yaml': `appId: 81\nsettings:\n  url: https://calls.example.com/81\n  isReady: true\nphoneNumbers:\n${numbers.join('\n')}\n` });
  });
  afterAll(() => dir?.remove());

  it('a reader that goes away early ends the command quietly', async () => {
    const { code, stderr } = await runWithReaderGone(['validate', '--json'], { cwd: dir.path, env: envFor({ url: 'http://127.0.0.1:9' } as Service) });
    expect(stderr).not.toMatch(/Unhandled 'error' event|EPIPE|\n\s+at /);
    expect([0, 1]).toContain(code);
  });

  it('--version, which skips the CLI, also ends quietly when its reader is gone', async () => {
    const child = spawn(process.execPath, [CLI, '--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.runIf(existsSync('/dev/full')).each([['validate --json'], ['--version']])('a full disk is one clear error, exit 1 (%s)', async (args) => {
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(`${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args} > /dev/full`, { cwd: dir.path, shell: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('close', (code) => resolve({ code, stderr }));
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/cannot write to standard output: ENOSPC/);
    expect(out.stderr).not.toMatch(/Unhandled 'error' event|\n\s+at /);
  });

  it('refuses NODE_DEBUG=http, which would print the key past the scrubber', async () => {
    const result = await runCli(['plan'], { env: envFor({ url: 'http://127.0.0.1:9' } as Service, { NODE_DEBUG: 'http,net' }), cwd: dir.path });
    outputs.push(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/NODE_DEBUG=http,net/);
    expect(leaksSecret(result.stderr)).toBe(false);
  });
});

describe('secrets', () => {
  it('no credential appears in any output of these runs', () => {
    expect(outputs.length).toBeGreaterThan(8);
    for (const output of outputs) expect(leaksSecret(output.stdout + output.stderr)).toBe(false);
  });
});
