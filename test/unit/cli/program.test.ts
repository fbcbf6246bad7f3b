import { describe, expect, it } from 'vitest';
import { buildProgram, type CommandName } from '../../../src/cli/program.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';

interface Call {
  name: CommandName;
  options: Record<string, unknown>;
}

async function parse(argv: string[]): Promise<{ call: Call | undefined; secrets: string[]; err: string; thrown: unknown }> {
  const runtime = memoryRuntime();
  let call: Call | undefined;
  const secrets: string[] = [];
  const program = buildProgram(runtime, {
    dispatch: async (name, options) => {
      call = { name, options: options as unknown as Record<string, unknown> };
      return { exitCode: 0 };
    },
    onResult: () => {},
    registerSecret: (value) => secrets.push(value),
  });
  let thrown: unknown;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // commander errors are asserted through `call` being undefined and `err`.
    thrown = error;
  }
  return { call, secrets, err: runtime.err(), thrown };
}

const defaults = { json: false, baseUrl: undefined, timeoutMs: 30_000 };

describe('argv → command options', () => {
  it.each<[string[], CommandName, Record<string, unknown>]>([
    [['validate'], 'validate', { ...defaults, paths: [], strict: false }],
    [['validate', 'a.yaml', 'envs/*.yaml', '--strict', '--json'], 'validate', { paths: ['a.yaml', 'envs/*.yaml'], strict: true, json: true }],
    [
      ['plan'],
      'plan',
      { ...defaults, paths: [], strict: false, parallelism: 10, targets: [], out: undefined, detailedExitcode: false, format: 'text' },
    ],
    [
      ['plan', 'c.yaml', '--out', 'plan.json', '--detailed-exitcode', '--format', 'markdown', '--target', '7', '--target', '9', '--parallelism', '4'],
      'plan',
      { paths: ['c.yaml'], out: 'plan.json', detailedExitcode: true, format: 'markdown', targets: [7, 9], parallelism: 4 },
    ],
    [['plan', '--json'], 'plan', { json: true, format: 'json' }],
    [['apply', 'plan.json', '--auto-approve'], 'apply', { paths: ['plan.json'], autoApprove: true, format: 'text', config: [] }],
    [['apply', 'plan.json', '--config', 'a.yaml', 'envs/*.yaml'], 'apply', { paths: ['plan.json'], config: ['a.yaml', 'envs/*.yaml'] }],
    [['show', 'plan.json', '--format', 'markdown'], 'show', { planFile: 'plan.json', format: 'markdown' }],
    [['show', 'plan.json', '--json'], 'show', { planFile: 'plan.json', format: 'json', json: true }],
    [['drift', '--probe'], 'drift', { probe: true, format: 'text' }],
    [['import', '--app-id', '1234567', '--api-version', '2026-03'], 'import', { appId: 1234567, apiVersion: '2026-03', auth: undefined, probe: false }],
    [['import', '--app-id', '1', '--api-version', '2026-09', '--auth', 'developer-api-key'], 'import', { apiVersion: '2026-09', auth: 'developer-api-key' }],
    [['fixtures', '--check', '--prune'], 'fixtures', { outDir: 'fixtures', check: true, prune: true, paths: [] }],
    [['serve', '--port', '0', '--public-url', 'https://x.example/h'], 'serve', { port: 0, publicUrl: 'https://x.example/h', insecureSkipVerify: false }],
    [['probe', '--portal-id', '42', '--user-id', '5'], 'probe', { userId: 5, portalId: 42 }],
    [['probe'], 'probe', { userId: undefined, portalId: undefined }],
    // Portal and user ids as the config allows them: up to 15 digits, past int32.
    [['probe', '--portal-id', '3000000000', '--user-id', '999999999999999'], 'probe', { portalId: 3_000_000_000, userId: 999_999_999_999_999 }],
    [['import', '--app-id', '1', '--probe', '--portal-id', '3000000000'], 'import', { portalId: 3_000_000_000 }],
    [['emulator', '--rate-limit', 'none', '--read-only-token', 'r-1'], 'emulator', { rateLimit: 'none', readOnlyToken: 'r-1' }],
    [
      ['emulator', '--port', '0', '--rate-limit', '100/10000', '--fault', 'GET:1:500', '--fault', 'POST:2:reset', '--latency', '50'],
      'emulator',
      { port: 0, rateLimit: { max: 100, intervalMs: 10_000 }, faults: ['GET:1:500', 'POST:2:reset'], latencyMs: 50 },
    ],
  ])('%j → %s', async (argv, name, expected) => {
    const { call } = await parse(argv);
    expect(call?.name).toBe(name);
    expect(call?.options).toMatchObject(expected);
  });

  it('accepts global flags before or after the command', async () => {
    const before = await parse(['--json', '--base-url', 'http://127.0.0.1:1', '--timeout', '5s', 'plan']);
    const after = await parse(['plan', '--json', '--base-url', 'http://127.0.0.1:1', '--timeout', '500ms']);
    expect(before.call?.options).toMatchObject({ json: true, baseUrl: 'http://127.0.0.1:1', timeoutMs: 5000 });
    expect(after.call?.options).toMatchObject({ json: true, baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 });
  });

  it('registers emulator credentials as secrets to scrub', async () => {
    const { secrets } = await parse(['emulator', '--api-key', 'k-123', '--access-token', 't-456', '--read-only-token', 'r-789']);
    expect(secrets).toEqual(['k-123', 't-456', 'r-789']);
  });

  it.each<[string, number]>([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['45', 45_000],
    ['1.5s', 1500],
    ['24m', 1_440_000],
    ['1440m', 86_400_000],
  ])('--timeout %s is %d ms', async (value, ms) => {
    expect((await parse(['plan', '--timeout', value])).call?.options.timeoutMs).toBe(ms);
  });

  it('refuses a timeout over 24 h instead of overflowing Node\'s timers', async () => {
    const { call, err } = await parse(['plan', '--timeout', '1441m']);
    expect(call).toBeUndefined();
    expect(err).toMatch(/at most 1440m \(a day\), got/);
  });

  it('refuses a portal id past 15 digits, quoting it as typed', async () => {
    const { call, err } = await parse(['probe', '--portal-id', '9999999999999999']);
    expect(call).toBeUndefined();
    expect(err).toContain('expected an integer from 1 to 999999999999999, got 9999999999999999.');
  });

  it('--json with another --format is a usage error', async () => {
    const { call, thrown } = await parse(['plan', '--json', '--format', 'markdown']);
    expect(call).toBeUndefined();
    expect((thrown as Error).message).toMatch(/--json cannot be combined with --format markdown/);
  });

  it('lists only the global flags a command uses', async () => {
    const help = (argv: string[]) => {
      const runtime = memoryRuntime();
      const program = buildProgram(runtime, { dispatch: async () => ({ exitCode: 0 }), onResult: () => {}, registerSecret: () => {} });
      const command = program.commands.find((c) => c.name() === argv[0]);
      return command?.helpInformation() ?? '';
    };
    expect(help(['validate'])).not.toMatch(/--base-url|--timeout/);
    expect(help(['show'])).not.toMatch(/--base-url|--timeout/);
    expect(help(['plan'])).toMatch(/--base-url[\s\S]*--timeout/);
  });

  it.each([
    [['plan', '--target', 'abc']],
    [['plan', '--parallelism', '0']],
    [['emulator', '--rate-limit', 'fast']],
    [['import']],
    [['plan', '--format', 'yaml']],
    [['show']],
    [['nonsense']],
  ])('rejects %j without dispatching', async (argv) => {
    const { call, err } = await parse(argv);
    expect(call).toBeUndefined();
    expect(err).toMatch(/error/i);
  });
});
