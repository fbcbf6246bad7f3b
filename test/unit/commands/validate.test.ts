import { afterEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/commands/validate.js';
import type { ValidateOptions } from '../../../src/commands/options.js';
import { renderDiagnosticsText } from '../../../src/render/diagnostics-text.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const GOOD = [
  'appId: 1234567',
  'settings:',
  '  url: https://calls.example.com/hook',
  '  isReady: true',
  'phoneNumbers:',
  '  - e164PhoneNumber: "+14155552671"',
  '    friendlyName: Support',
  '---',
  'appId: 7654321',
  'ensure: absent',
  '',
].join('\n');

const WITH_WARNING = 'appId: 5\nensure: absent\nphoneNumbers:\n  - e164PhoneNumber: "+14155552671"\n    extension: "9"\n    friendlyName: Desk\n';
const BROKEN = 'appId: 5\nsettings:\n  url: http://example.com\n  isReady: maybe\n';

let dir: TempDir | undefined;
afterEach(() => dir?.remove());

function options(overrides: Partial<ValidateOptions> = {}): ValidateOptions {
  return { json: false, baseUrl: undefined, timeoutMs: 30_000, paths: [], strict: false, ...overrides };
}

describe('hscc validate (text)', () => {
  it('colours diagnostics by whether stderr, where they go, allows colour, not stdout', async () => {
    dir = tempDir({ 'channel-connection.yaml': BROKEN });
    const stderrColour = memoryRuntime({ cwd: dir.path, color: { stderr: true } });
    await runValidate(options(), stderrColour);
    expect(stderrColour.err()).toContain('\u001b[31merror');
    const stdoutColour = memoryRuntime({ cwd: dir.path, color: { stdout: true } });
    await runValidate(options(), stdoutColour);
    expect(stdoutColour.err()).toMatch(/^error: /);
    expect(stdoutColour.err()).not.toContain('\u001b[');
  });

  it('exit 0 and a one-line summary on stdout for a valid config', async () => {
    dir = tempDir({ 'channel-connection.yaml': GOOD });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options(), runtime)).toEqual({ exitCode: 0 });
    expect(runtime.out()).toBe('Configuration valid: 2 apps in 1 file.\n');
    expect(runtime.err()).toBe('');
  });

  it('counts warnings in the summary and prints them on stderr', async () => {
    dir = tempDir({ 'a.yaml': WITH_WARNING, 'b.yaml': 'appId: 6\nensure: absent\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ paths: ['*.yaml'] }), runtime)).toEqual({ exitCode: 0 });
    expect(runtime.out()).toBe('Configuration valid: 2 apps in 2 files, 1 warning.\n');
    expect(runtime.err()).toMatch(/^warning: a\.yaml:5:16 phoneNumbers\[0\]\.extension: .*\n {2}hint: .*\n$/);
  });

  it('exit 1 with each error on stderr and the counts on stdout', async () => {
    dir = tempDir({ 'channel-connection.yaml': BROKEN });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options(), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.out()).toBe('Configuration invalid: 2 errors.\n');
    const lines = runtime.err().split('\n').filter((line) => !line.startsWith('  hint:') && line !== '');
    expect(lines).toEqual([
      expect.stringMatching(/^error: channel-connection\.yaml:3:8 settings\.url: /),
      expect.stringMatching(/^error: channel-connection\.yaml:4:12 settings\.isReady: /),
    ]);
  });

  it('strict fails on a warning', async () => {
    dir = tempDir({ 'a.yaml': WITH_WARNING });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ paths: ['a.yaml'], strict: true }), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.out()).toBe('Configuration invalid: 1 error.\n');
    expect(runtime.err()).toMatch(/^error: a\.yaml:5:16 /);
  });

  it('exit 1 for a glob that matches nothing', async () => {
    dir = tempDir({});
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ paths: ['configs/*.yaml'] }), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.err()).toMatch(/^error: configs\/\*\.yaml:1:1: /);
  });

  it('validate DIR of subdirectories says so instead of "no such file"', async () => {
    dir = tempDir({ 'envs/prod/a.yaml': GOOD });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ paths: ['envs'] }), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.err()).toMatch(/^error: envs:1:1: the directory holds no \*\.yaml or \*\.yml file, only subdirectories \(prod\)/);
    expect(runtime.err()).not.toContain('no such file');
  });

  it('one key typo gives exactly one error, the did-you-mean', async () => {
    dir = tempDir({ 'a.yaml': 'appId: 5\nsettings:\n  url: https://a.example\n  isready: true\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ paths: ['a.yaml'] }), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.out()).toBe('Configuration invalid: 1 error.\n');
    expect(runtime.err()).toMatch(/^error: a\.yaml:4:3 settings\.isready: unknown key `isready`; did you mean `isReady`\?\n/);
  });

  it('reads variables from the runtime environment', async () => {
    dir = tempDir({ 'a.yaml': 'appId: ${APP}\nensure: absent\n' });
    const missing = memoryRuntime({ cwd: dir.path, env: {} });
    expect(await runValidate(options({ paths: ['a.yaml'] }), missing)).toEqual({ exitCode: 1 });
    const set = memoryRuntime({ cwd: dir.path, env: { APP: '77' } });
    expect(await runValidate(options({ paths: ['a.yaml'] }), set)).toEqual({ exitCode: 0 });
  });
});

describe('hscc validate --json', () => {
  it('prints exactly one JSON document on stdout and nothing on stderr', async () => {
    dir = tempDir({ 'a.yaml': WITH_WARNING, 'b.yaml': BROKEN });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ json: true, paths: ['a.yaml', 'b.yaml'] }), runtime)).toEqual({ exitCode: 1 });
    expect(runtime.err()).toBe('');
    const document = JSON.parse(runtime.out()) as Record<string, unknown>;
    expect(document).toEqual({
      valid: false,
      errors: [
        expect.objectContaining({ file: 'b.yaml', line: 3, column: 8, path: 'settings.url', code: 'insecure-url', message: expect.any(String) }),
        expect.objectContaining({ file: 'b.yaml', line: 4, column: 12, path: 'settings.isReady', code: 'invalid-type' }),
      ],
      warnings: [expect.objectContaining({ file: 'a.yaml', line: 5, column: 16, path: 'phoneNumbers[0].extension', code: 'phone-extension' })],
      files: ['a.yaml', 'b.yaml'],
      apps: 0,
    });
    // Round trip: what was printed is what a reader gets back.
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('valid: true and exit 0 for a valid config', async () => {
    dir = tempDir({ 'channel-connection.yaml': GOOD });
    const runtime = memoryRuntime({ cwd: dir.path });
    expect(await runValidate(options({ json: true }), runtime)).toEqual({ exitCode: 0 });
    expect(JSON.parse(runtime.out())).toEqual({ valid: true, errors: [], warnings: [], files: ['channel-connection.yaml'], apps: 2 });
  });
});

describe('renderDiagnosticsText', () => {
  const diagnostic = {
    code: 'phone-extension',
    severity: 'warning' as const,
    file: 'a.yaml',
    line: 5,
    column: 16,
    path: 'phoneNumbers[0].extension',
    message: 'm',
    hint: 'h',
  };

  it('writes one line per diagnostic plus its hint, without colour', () => {
    expect(renderDiagnosticsText([diagnostic], { color: false })).toBe('warning: a.yaml:5:16 phoneNumbers[0].extension: m\n  hint: h\n');
    expect(renderDiagnosticsText([], { color: false })).toBe('');
  });

  it('colours only the severity when asked', () => {
    const text = renderDiagnosticsText([{ ...diagnostic, severity: 'error' }], { color: true });
    expect(text).toBe('\u001b[1m\u001b[31merror\u001b[39m\u001b[22m: a.yaml:5:16 phoneNumbers[0].extension: m\n  hint: h\n');
  });
});
