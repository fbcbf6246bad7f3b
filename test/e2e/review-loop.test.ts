// The review loop, tried as users meet it: what reviewers approve is what
// gets applied, a wrong endpoint never reads as "absent", an interrupted
// apply tells the truth, and a dead API fails fast.
import { execFileSync, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  appDocument as app,
  channelConnections,
  CLI,
  controlEmulator,
  emulatorState,
  envFor,
  leaksSecret,
  requestLog,
  runCli,
  startEmulator,
  startStub,
  type CliResult,
  type RequestLogEntry,
  type Service,
} from './harness.js';

const outputs: CliResult[] = [];

describe('saved plans are bound to what was reviewed (real CLI)', () => {
  let emulator: Service;
  let dir: TempDir;
  const hscc = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const result = await runCli(args, { env: envFor(emulator, extra), cwd: dir.path });
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    dir = tempDir({ 'envs/a.yaml': app(11), 'envs/b.yaml': app(12, { isReady: false }) });
  });
  afterEach(() => controlEmulator(emulator, 'POST', 'reset'));
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('show renders a saved plan with no network and no credentials', async () => {
    expect((await hscc(['plan', 'envs/*.yaml', '--out', 'plan.json'])).code).toBe(0);
    const env = { HUBSPOT_API_BASE_URL: 'http://127.0.0.1:9', HUBSPOT_DEVELOPER_API_KEY: undefined, HUBSPOT_ACCESS_TOKEN: undefined };
    const text = await hscc(['show', 'plan.json'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Plan: 2 to create, 0 to update, 0 to delete\./);
    const json = await hscc(['show', 'plan.json', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ formatVersion: 1, kind: 'plan', summary: { create: 2 } });
    const markdown = await hscc(['show', 'plan.json', '--format', 'markdown'], env);
    expect(markdown.stdout.split('\n')[0]).toBe('<!-- hscc:plan envs/*.yaml -->');
    // Not a plan: show says so without claiming it applied nothing, which only apply could.
    const notPlan = await hscc(['show', 'envs/a.yaml'], env);
    expect(notPlan.code).toBe(1);
    expect(notPlan.stderr).toBe('error: envs/a.yaml: not a complete JSON document (truncated or not an hscc plan file).\nhint: Show a plan saved by `hscc plan --out FILE`.\n');
  });

  it('apply PLANFILE --config refuses when the config changed since the plan, writing nothing', async () => {
    await hscc(['plan', 'envs/*.yaml', '--out', 'plan.json']);
    writeFileSync(dir.file('envs/b.yaml'), app(12, { isReady: true }));
    const refused = await hscc(['apply', 'plan.json', '--config', 'envs/*.yaml']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not made from the configuration/);
    expect(await emulatorState(emulator)).toEqual({});

    writeFileSync(dir.file('envs/b.yaml'), app(12, { isReady: false }));
    // The same files named another way (a list, another order, an absolute path) are the same inputs.
    const applied = await hscc(['apply', 'plan.json', '--config', 'envs/b.yaml', dir.file('envs/a.yaml')]);
    expect(applied.code, applied.stderr).toBe(0);
    const again = await hscc(['apply', 'plan.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already applied/);
    expect(again.stderr).not.toMatch(/remote settings changed/);
  });

  it('a saved plan is applied whole: --target and mixing with config paths are usage errors', async () => {
    await hscc(['plan', 'envs/*.yaml', '--out', 'plan.json']);
    const targeted = await hscc(['apply', 'plan.json', '--target', '11']);
    expect(targeted.code).toBe(1);
    expect(targeted.stderr).toMatch(/--target cannot be used with a saved plan/);
    const mixed = await hscc(['apply', 'plan.json', 'envs/*.yaml']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/cannot be mixed with config paths/);
    expect(await emulatorState(emulator)).toEqual({});
  });

  it('a targeted run says it is partial in text, markdown and JSON', async () => {
    const text = await hscc(['plan', 'envs/*.yaml', '--target', '12']);
    expect(text.stdout).toMatch(/partial: only apps? 12/);
    const json = JSON.parse((await hscc(['plan', 'envs/*.yaml', '--target', '12', '--json'])).stdout);
    expect(json.targets).toEqual([12]);
    const markdown = await hscc(['plan', 'envs/*.yaml', '--target', '12', '--format', 'markdown']);
    expect(markdown.stdout.split('\n')[0]).toBe('<!-- hscc:plan envs/*.yaml target=12 -->');
    expect(markdown.stdout).toMatch(/partial/);
  });

  it('the PR-comment marker does not change when a glob matches one more file', async () => {
    const before = (await hscc(['plan', 'envs/*.yaml', '--format', 'markdown'])).stdout.split('\n')[0];
    writeFileSync(dir.file('envs/c.yaml'), app(13));
    const after = (await hscc(['plan', 'envs/*.yaml', '--format', 'markdown'])).stdout.split('\n')[0];
    expect(after).toBe(before);
  });

  it('a failed plan still writes the step summary, saying what failed', async () => {
    const summary = dir.file('summary.md');
    writeFileSync(summary, '');
    const result = await hscc(['plan', 'envs/*.yaml'], { GITHUB_STEP_SUMMARY: summary, HUBSPOT_API_BASE_URL: `${emulator.url}/wrong-prefix` });
    expect(result.code).toBe(1);
    const written = readFileSync(summary, 'utf8');
    expect(written).toMatch(/^<!-- hscc:plan envs\/\*\.yaml -->/);
    expect(written).toMatch(/fail/i);
  });

  it('an invalid config: the step summary and the JSON error say which errors, where, not only how many', async () => {
    const summary = dir.file('summary-invalid.md');
    writeFileSync(summary, '');
    writeFileSync(dir.file('bad.yaml'), 'appId: 5\nsettings:\n  url: https://a.example/x\n  isReady: true\n  isready: false\n');
    const result = await hscc(['plan', 'bad.yaml', '--json'], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    const line = expect.stringMatching(/^bad\.yaml:5:3 settings\.isready: /);
    expect(JSON.parse(result.stdout).error).toEqual({
      message: '1 error in the configuration; nothing was sent or written.',
      hint: 'run `hscc validate` for details',
      details: [line],
    });
    expect(readFileSync(summary, 'utf8')).toMatch(/\n> bad\.yaml:5:3 settings\.isready: /);
    expect(await requestLog(emulator)).toEqual([]);
  });

  it('apply PLANFILE has one marker whether it succeeds or fails; a repeated --target counts once', async () => {
    await hscc(['plan', 'envs/*.yaml', '--target', '12', '--target', '12', '--out', 'plan.json']);
    const markers: string[] = [];
    for (const expected of [0, 1]) {
      const summary = dir.file(`apply-${expected}.md`);
      writeFileSync(summary, '');
      expect((await hscc(['apply', 'plan.json'], { GITHUB_STEP_SUMMARY: summary })).code).toBe(expected);
      markers.push(readFileSync(summary, 'utf8').split('\n')[0] ?? '');
    }
    expect(markers).toEqual(['<!-- hscc:apply envs/*.yaml target=12 -->', '<!-- hscc:apply envs/*.yaml target=12 -->']);

    const summary = dir.file('failed-plan.md');
    writeFileSync(summary, '');
    const failed = await hscc(['plan', 'envs/*.yaml', '--target', '12', '--target', '12'], { GITHUB_STEP_SUMMARY: summary, HUBSPOT_DEVELOPER_API_KEY: undefined });
    expect(failed.code).toBe(1);
    expect(readFileSync(summary, 'utf8').split('\n')[0]).toBe('<!-- hscc:plan envs/*.yaml target=12 -->');
  });
});

describe('a wrong endpoint never reads as "absent" (real CLI)', () => {
  let emulator: Service;
  let html: { url: string; server: Server };
  let empty: { url: string; server: Server };
  let dir: TempDir;

  beforeAll(async () => {
    emulator = await startEmulator();
    html = await startStub((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1>nginx</body></html>'));
    empty = await startStub((_req, res) => res.writeHead(404).end());
    dir = tempDir({ 'channel-connection.yaml': app(21) });
  });
  afterAll(async () => {
    await emulator?.stop();
    html?.server.close();
    empty?.server.close();
    dir?.remove();
  });

  it.each([
    ['an HTML 404', () => html.url],
    ['an empty 404', () => empty.url],
    ["the emulator's answer for a route it does not serve", () => `${emulator.url}/wrong-prefix`],
  ])('%s makes plan, apply, drift and import exit 1 naming the path and the base URL', async (_what, baseUrl) => {
    for (const args of [['plan'], ['apply', '--auto-approve'], ['drift'], ['import', '--app-id', '21']]) {
      const result = await runCli(args, { env: envFor(emulator, { HUBSPOT_API_BASE_URL: baseUrl() }), cwd: dir.path });
      outputs.push(result);
      expect(result.code, `${args[0]}: ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(/\/crm\/v3\/extensions\/calling\/21\/settings\/channel-connection/);
      expect(result.stderr).toMatch(/base URL/);
    }
    expect(await emulatorState(emulator)).toEqual({});
  });
});

describe('an interrupted apply tells the truth (real CLI, real signals)', () => {
  let emulator: Service;
  let dir: TempDir;
  const ids = Array.from({ length: 12 }, (_, i) => 300 + i);

  beforeAll(async () => {
    emulator = await startEmulator(['--latency', '400', '--rate-limit', 'none']);
    dir = tempDir({ 'channel-connection.yaml': ids.map((id) => app(id)).join('---\n') });
  });
  afterEach(() => controlEmulator(emulator, 'POST', 'reset'));
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  /** Starts apply, sends `signal` once the API has received what `reached` asks for (default: 2 writes), and collects the run. */
  async function interrupted(
    signal: NodeJS.Signals,
    args: string[],
    reached: (log: RequestLogEntry[]) => boolean = (log) => log.filter((entry) => entry.method !== 'GET').length >= 2,
    extraEnv: Record<string, string> = {},
  ): Promise<CliResult> {
    const child = spawn(process.execPath, [CLI, 'apply', '--auto-approve', '--parallelism', '2', ...args], {
      cwd: dir.path,
      env: envFor(emulator, extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Wait (bounded) until the API has received the writes, then interrupt.
    const deadline = Date.now() + 30_000;
    while (!reached(await requestLog(emulator))) {
      if (Date.now() > deadline) throw new Error(`the emulator did not receive the requests to wait for: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill(signal);
    const code = await closed;
    const result = { code, stdout, stderr };
    outputs.push(result);
    return result;
  }

  it.each<NodeJS.Signals>(['SIGINT', 'SIGTERM'])('%s: no new write starts, writes in flight finish, every change is reported (JSON)', async (signal) => {
    const result = await interrupted(signal, ['--json']);
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.interrupted).toBe(true);
    expect(document.changes).toHaveLength(ids.length);
    const applied = document.changes.filter((c: { applied: boolean }) => c.applied).map((c: { appId: number }) => c.appId);
    const notAttempted = document.changes.filter((c: { error?: { message: string } }) => c.error?.message === 'interrupted: not attempted');
    expect(applied.length).toBeGreaterThan(0);
    expect(notAttempted.length).toBeGreaterThan(0);
    // What it reports as applied is exactly what the API received and did.
    const state = await emulatorState(emulator);
    expect(Object.keys(state).map(Number).sort()).toEqual(applied.sort());
    const written = (await requestLog(emulator)).filter((entry) => entry.method === 'POST').map((entry) => entry.appId);
    expect([...new Set(written)].sort()).toEqual(applied.sort());
  });

  it.each<NodeJS.Signals>(['SIGINT', 'SIGTERM'])('%s while apply still reads: exit 1 at once, a JSON error and the step summary, nothing written', async (signal) => {
    const summary = join(dir.path, `summary-${signal}.md`);
    const result = await interrupted(signal, ['--json'], (log) => log.length >= 1, { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ error: { message: 'Apply interrupted before any write; nothing was changed.' } });
    expect(readFileSync(summary, 'utf8')).toContain('Apply interrupted before any write; nothing was changed.');
    expect((await requestLog(emulator)).filter((entry) => entry.method !== 'GET')).toEqual([]);
    expect(await emulatorState(emulator)).toEqual({});
  });

  /** The pids of every process below `pid`. */
  const descendants = (pid: number): number[] => {
    let children: number[] = [];
    try {
      children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      // pgrep exits 1 when there are none.
    }
    return children.flatMap((child) => [child, ...descendants(child)]);
  };

  /** The pid of the hscc process below `pid`. */
  const hsccPid = (pid: number): number => {
    const found = descendants(pid).filter((candidate) => readFileSync(`/proc/${candidate}/cmdline`, 'utf8').split('\0').includes(CLI));
    expect(found).toHaveLength(1);
    return found[0] as number;
  };

  /**
   * `hscc COMMAND` (then `redirect`) in a terminal, through script(1) from
   * util-linux: `output()` is what the terminal shows, `closed` the exit
   * code (`script -e` passes it on), `shows(text)` resolves once the terminal
   * shows `text`, and `prompt()` once apply asks.
   */
  function atTerminal(command: string, redirect = '') {
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${command}${redirect}`, '/dev/null'], {
      cwd: dir.path,
      env: envFor(emulator),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    /** Resolves once the terminal shows `text` (polled; at most 30 s). */
    const shows = async (text: string): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`${JSON.stringify(text)} never showed: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    return { child, output: () => output, closed, prompt: () => shows('Enter a value:'), shows };
  }

  it.runIf(existsSync('/usr/bin/script'))('a yes typed before the prompt appears is not an answer; the prompt shows with stderr redirected', async () => {
    const terminal = atTerminal('apply', ' 2>/dev/null');
    // Typed while apply still reads (the emulator answers after 400 ms).
    terminal.child.stdin.write('yes\r');
    await terminal.prompt();
    // End of input at the prompt: the typed-ahead yes must not have answered it.
    terminal.child.stdin.write('\x04');
    expect(await terminal.closed).toBe(1);
    expect(terminal.output()).not.toMatch(/Apply complete/);
    expect((await requestLog(emulator)).filter((entry) => entry.method !== 'GET')).toEqual([]);
  });

  it.runIf(existsSync('/usr/bin/script')).each(['Ctrl-C on the terminal', 'SIGINT from kill'])('at the prompt, %s cancels: nothing written, exit 1', async (how) => {
    const terminal = atTerminal('apply');
    await terminal.prompt();
    if (how === 'Ctrl-C on the terminal') terminal.child.stdin.write('\x03');
    // At hscc itself, as `kill -INT <pid>` would: script(1) runs it under `sh -c`,
    // and dash (no exec of the last command) would die of the signal itself.
    else process.kill(hsccPid(terminal.child.pid as number), 'SIGINT');
    expect(await terminal.closed).toBe(1);
    // On a line of its own, not after the prompt.
    expect(terminal.output()).toMatch(/\nerror: Apply cancelled; nothing was changed\./);
    expect((await requestLog(emulator)).filter((entry) => entry.method !== 'GET')).toEqual([]);
  });

  it.runIf(existsSync('/usr/bin/script'))('interrupted while reading at a terminal: the progress line goes, no further GET starts', async () => {
    const terminal = atTerminal('apply');
    await terminal.shows('Reading remote settings 0/12');
    process.kill(hsccPid(terminal.child.pid as number), 'SIGINT');
    expect(await terminal.closed).toBe(1);
    expect(terminal.output()).toMatch(/Reading remote settings \d+\/12\u001b\[K\r\u001b\[2Kerror: Apply interrupted before any write; nothing was changed\./);
    // Ten reads were in flight (the parallelism); the other two never started.
    expect((await requestLog(emulator)).filter((entry) => entry.method === 'GET')).toHaveLength(10);
  });

  it.runIf(existsSync('/usr/bin/script')).each([
    ['plan', 'Plan interrupted; nothing was changed.'],
    ['drift', 'Drift check interrupted; nothing was changed.'],
  ])('%s interrupted while reading at a terminal: the progress line goes, it says so, exit 1', async (command, message) => {
    const terminal = atTerminal(command);
    await terminal.shows('Reading remote settings 0/12');
    process.kill(hsccPid(terminal.child.pid as number), 'SIGINT');
    expect(await terminal.closed).toBe(1);
    expect(terminal.output()).toMatch(new RegExp(`Reading remote settings \\d+/12\u001b\\[K\r\u001b\\[2Kerror: ${message.replace('.', '\\.')}`));
    expect((await requestLog(emulator)).filter((entry) => entry.method === 'GET')).toHaveLength(10);
  });

  it.runIf(existsSync('/usr/bin/script'))('with stdout redirected to a file, the terminal is told where the plan and the question went', async () => {
    const terminal = atTerminal('apply', ' > plan.txt');
    await terminal.shows('only yes applies it');
    expect(terminal.output()).toContain('hscc is asking whether to apply the plan it wrote to stdout, which is not this terminal');
    expect(terminal.output()).not.toContain('Enter a value:');
    terminal.child.stdin.write('no\r');
    expect(await terminal.closed).toBe(1);
    expect(readFileSync(dir.file('plan.txt'), 'utf8')).toContain('Enter a value:');
    expect((await requestLog(emulator)).filter((entry) => entry.method !== 'GET')).toEqual([]);
  });

  it.runIf(existsSync('/usr/bin/script'))('interrupted while writing at a terminal: the progress line goes before the notice', async () => {
    const terminal = atTerminal('apply');
    await terminal.prompt();
    terminal.child.stdin.write('yes\r');
    await terminal.shows('Applying 0/12');
    process.kill(hsccPid(terminal.child.pid as number), 'SIGINT');
    expect(await terminal.closed).toBe(1);
    expect(terminal.output()).toMatch(/Applying \d+\/12\u001b\[K\r\u001b\[2K\r?\nInterrupted: starting no new write/);
  });

  it('text: says it was interrupted and lists what was not attempted', async () => {
    const result = await interrupted('SIGINT', []);
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toMatch(/interrupt/i);
    expect(result.stdout).toMatch(/not attempted/);
    expect(result.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});

describe('a dead API fails fast (real CLI)', () => {
  let hang: { url: string; server: Server };
  let dir: TempDir;

  beforeAll(async () => {
    // Accepts connections and never answers.
    hang = await startStub(() => {});
    dir = tempDir({ 'one.yaml': app(401), 'many.yaml': Array.from({ length: 30 }, (_, i) => app(500 + i)).join('---\n') });
  });
  afterAll(async () => {
    hang?.server.closeAllConnections();
    hang?.server.close();
    dir?.remove();
  });

  it('names the host and says it timed out; apps not attempted are reported as such', async () => {
    const env = envFor({ url: hang.url } as Service);
    const one = await runCli(['plan', 'one.yaml', '--timeout', '300ms'], { env, cwd: dir.path });
    outputs.push(one);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(new URL(hang.url).host);
    expect(one.stderr).toMatch(/timed out/);

    const many = await runCli(['plan', 'many.yaml', '--timeout', '300ms', '--json'], { env, cwd: dir.path });
    outputs.push(many);
    expect(many.code).toBe(1);
    expect(JSON.parse(many.stdout).error.message).toMatch(/not attempted/);
  });
});

describe('secrets', () => {
  it('no credential appears in any output of these runs', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const output of outputs) expect(leaksSecret(output.stdout + output.stderr)).toBe(false);
  });
});

describe('concurrent writers are reported truthfully (real CLI)', () => {
  let emulator: Service;
  let dir: TempDir;
  const ids = [601, 602, 603, 604];

  beforeAll(async () => {
    emulator = await startEmulator(['--latency', '150', '--rate-limit', 'none']);
    dir = tempDir({
      'ready.yaml': ids.map((id) => app(id, { isReady: true })).join('---\n'),
      'not-ready.yaml': ids.map((id) => app(id, { isReady: false })).join('---\n'),
    });
  });
  afterEach(() => controlEmulator(emulator, 'POST', 'reset'));
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  const apply = async (file: string) => {
    const result = await runCli(['apply', file, '--auto-approve', '--json', '--parallelism', '4'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(result);
    return { ...result, document: JSON.parse(result.stdout) as { changes: { appId: number; applied: boolean; note?: string; error?: { message: string } }[] } };
  };

  it('two identical applies at once: every resource is written once, the other run says "already as planned"', async () => {
    const [first, second] = await Promise.all([apply('ready.yaml'), apply('ready.yaml')]);
    expect([first.code, second.code]).toEqual([0, 0]);
    for (const id of ids) {
      const outcomes = [first, second].map((run) => run.document.changes.find((c) => c.appId === id));
      expect(outcomes.filter((o) => o?.applied === true)).toHaveLength(1);
      expect(outcomes.find((o) => o?.applied === false)?.note).toBe('already as planned');
    }
    const writes = (await requestLog(emulator)).filter((entry) => entry.method !== 'GET' && entry.wrote);
    expect(writes).toHaveLength(ids.length);
  });

  it('two conflicting applies: the reports and the next plan agree with what HubSpot holds', async () => {
    await apply('ready.yaml');
    const [ready, notReady] = await Promise.all([apply('ready.yaml'), apply('not-ready.yaml')]);
    const state = await channelConnections(emulator);
    for (const id of ids) {
      const holds = state[String(id)]?.isReady;
      const notReadyOutcome = notReady.document.changes.find((c) => c.appId === id);
      // The ready config already matched before: only the not-ready run may have written.
      expect(ready.document.changes.find((c) => c.appId === id)?.applied).toBe(false);
      expect(holds).toBe(notReadyOutcome?.applied === true ? false : true);
    }
    const plan = await runCli(['plan', 'ready.yaml', '--json'], { env: envFor(emulator), cwd: dir.path });
    outputs.push(plan);
    const planned = JSON.parse(plan.stdout) as { changes: { appId: number; action: string }[] };
    for (const change of planned.changes) expect(change.action).toBe(state[String(change.appId)]?.isReady === true ? 'no-op' : 'update');
  });
});
