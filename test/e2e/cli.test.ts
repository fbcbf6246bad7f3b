import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { baseEnv, CLI, runCli } from './harness.js';

const env = baseEnv();
const noStack = /\n\s+at |internal error/;

describe('the CLI surface (real built CLI)', () => {
  it('prints help and the version with exit 0', async () => {
    const help = await runCli(['--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hscc');
    expect(help.stderr).not.toMatch(noStack);
    const version = await runCli(['--version'], { env });
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each(['validate', 'plan', 'apply', 'drift', 'import', 'fixtures', 'serve', 'probe', 'emulator'])(
    'has --help for %s',
    async (command) => {
      const result = await runCli([command, '--help'], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: hscc ${command}`);
    },
  );

  it.each([[['nonsense']], [['plan', '--bogus']], [['plan', '--parallelism', 'zero']], [['import']]])(
    'rejects %j with exit 1 and no stack trace',
    async (argv) => {
      const result = await runCli(argv, { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error/);
      expect(result.stderr).not.toMatch(noStack);
    },
  );

  it.runIf(existsSync('/usr/bin/script'))('colours a terminal unless NO_COLOR or FORCE_COLOR=0 says not to', () => {
    const atTerminal = (extra: Record<string, string>) => {
      const { NO_COLOR: _dropped, ...rest } = env;
      const command = `${JSON.stringify(process.execPath)} bin/hscc.js validate test/fixtures/config/does-not-exist.yaml`;
      return spawnSync('script', ['-qfec', command, '/dev/null'], { env: { ...rest, ...extra }, encoding: 'utf8' }).stdout;
    };
    const colour = /\u001b\[3\dm/;
    expect(atTerminal({})).toMatch(colour);
    expect(atTerminal({ FORCE_COLOR: '0' })).not.toMatch(colour);
    expect(atTerminal({ NO_COLOR: '1' })).not.toMatch(colour);
  });

  it('a config error exits 1 naming file:line:column, with nothing sent', async () => {
    const result = await runCli(['plan', 'test/fixtures/config/does-not-exist.yaml'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does-not-exist\.yaml:1:1/);
    expect(result.stderr).not.toMatch(noStack);
  });

  it('a secret that a diagnostic would quote cut short is redacted too, in text and JSON', async () => {
    // Easy to write by mistake: the token where its kind (`access-token`) goes.
    const token = 'pat-na1-0123abcd-4567-89ab-cdef-0123456789ab';
    const dir = tempDir({ 'c.yaml': 'appId: 5\nauth: ${HUBSPOT_ACCESS_TOKEN}\nsettings:\n  url: https://calls.example.com/5\n  isReady: true\n' });
    try {
      for (const args of [['validate', 'c.yaml'], ['validate', 'c.yaml', '--json']]) {
        const result = await runCli(args, { env: { ...env, HUBSPOT_ACCESS_TOKEN: token }, cwd: dir.path });
        expect(result.code).toBe(1);
        expect(result.stdout + result.stderr).toMatch(/c\.yaml:2:7|"line": 2,\s+"column": 7/);
        expect(result.stdout + result.stderr).toContain('[REDACTED]');
        expect(result.stdout + result.stderr).not.toContain(token.slice(0, 12));
      }
    } finally {
      dir.remove();
    }
  });

  it('--json failures still print one JSON document', async () => {
    const result = await runCli(['plan', 'missing.yaml', '--json'], { env });
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.message).toMatch(/error/);
    // The next step the text output gives is in the JSON document too.
    expect(error.hint).toBe('run `hscc validate` for details');
    expect(result.stderr).toContain(`hint: ${error.hint}`);
  });

  it('the root directory as a path argument is a diagnostic, not an internal error', async () => {
    for (const root of ['/', '//']) {
      const result = await runCli(['validate', root], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: ${root}:1:1: the directory holds no \\*\\.yaml`, 'm'));
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it.runIf(existsSync('/dev/stdin'))('reads a config from a pipe given as a path (/dev/stdin, as <(…) gives /dev/fd/N)', async () => {
    // Through a shell: Node's own stdio 'pipe' is a socket, which no path opens (ENXIO).
    const result = spawnSync('sh', ['-c', `printf 'appId: 1234567\\nensure: absent\\n' | "$0" "$1" validate /dev/stdin`, process.execPath, CLI], { env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Configuration valid: 1 app in 1 file.\n');
  });

  it('--json with no command prints the help on stderr and a JSON error that says so', async () => {
    const result = await runCli(['--json'], { env });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ error: { message: 'no command given; run `hscc --help` to list them' } });
    expect(result.stderr).toMatch(/^Usage: hscc/);
  });

  it('--json usage errors (a bad flag value, an unknown flag) print one JSON document too', async () => {
    for (const args of [['plan', '--json', '--timeout', 'abc'], ['emulator', '--json', '--port', 'abc'], ['plan', '--bogus', '--json']]) {
      const result = await runCli(args, { env });
      expect(result.code, args.join(' ')).toBe(1);
      expect(JSON.parse(result.stdout).error.message, args.join(' ')).toMatch(/option|argument/);
      expect(result.stderr).toMatch(/error:/);
    }
  });
});
