// readConfigForCommand (src/commands/config-input.ts) is the config edge of
// plan, apply, fixtures, serve, probe and drift; it lives with the config tests.
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigForCommand } from '../../../src/commands/config-input.js';
import { UserError } from '../../../src/errors.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

let dir: TempDir | undefined;
afterEach(() => dir?.remove());

describe('readConfigForCommand', () => {
  it('returns the loaded config and prints warnings on stderr only', async () => {
    dir = tempDir({ 'a.yaml': 'appId: 1\nensure: absent\nphoneNumbers:\n  - {e164PhoneNumber: "+14155552671", extension: "1", friendlyName: A}\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    const loaded = await readConfigForCommand({ paths: ['a.yaml'], strict: false }, runtime);
    expect(loaded.apps.map((a) => a.appId)).toEqual([1]);
    expect(runtime.out()).toBe('');
    expect(runtime.err()).toMatch(/^warning: a\.yaml:4:50 phoneNumbers\[0\]\.extension: /);
  });

  it('prints every error and throws a UserError saying nothing was sent', async () => {
    dir = tempDir({ 'a.yaml': 'appId: 0\nensure: absent\n---\nappId: 2\n' });
    const runtime = memoryRuntime({ cwd: dir.path, env: {} });
    const error = await readConfigForCommand({ paths: ['a.yaml'], strict: false }, runtime).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('2 errors in the configuration; nothing was sent or written.');
    // What the JSON error and the step summary carry, where stderr is not read.
    expect((error as UserError).details).toEqual([expect.stringMatching(/^a\.yaml:1:8 appId: appId must be a positive integer/), expect.stringMatching(/^a\.yaml:4:1: /)]);
    expect(runtime.err().split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      expect.stringMatching(/^error: a\.yaml:1:8 appId: /),
      expect.stringMatching(/^error: a\.yaml:4:1: /),
    ]);
  });

  it('fails on warnings with strict', async () => {
    dir = tempDir({ 'a.yaml': 'appId: 1\nensure: absent\nphoneNumbers:\n  - {e164PhoneNumber: "+18001231234", friendlyName: A}\n' });
    const runtime = memoryRuntime({ cwd: dir.path });
    await expect(readConfigForCommand({ paths: ['a.yaml'], strict: true }, runtime)).rejects.toThrow(/^1 error in the configuration/);
    expect(runtime.err()).toContain('error: a.yaml:4:23 phoneNumbers[0].e164PhoneNumber:');
  });
});
