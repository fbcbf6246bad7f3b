// The GitOps starter (examples/) as its workflows run it, against the
// emulator: the plan and drift jobs hold only a read-only token, the apply
// job the write token, and no job has a developer API key.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { ACCESS_TOKEN, baseEnv, emulatorState, leaksSecret, ROOT, runCli, startEmulator, type CliResult, type Service } from './harness.js';

const READ_ONLY_TOKEN = 'e2e-starter-read-only-token-41c9';
const APP_IDS = { HUBSPOT_APP_ID_STAGING: '1234567', HUBSPOT_APP_ID_PRODUCTION: '2345678', HUBSPOT_APP_ID_LEGACY: '3456789' };

describe('the GitOps starter (real CLI, emulator)', () => {
  let emulator: Service;
  let dir: TempDir;
  const outputs: CliResult[] = [];

  /** A workflow step: the repository variables and one environment's token, nothing else. */
  const step = async (args: string[], token: string) => {
    const env = baseEnv({ ...APP_IDS, HUBSPOT_API_BASE_URL: emulator.url, HUBSPOT_ACCESS_TOKEN: token });
    const result = await runCli(args, { env, cwd: dir.path });
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    emulator = await startEmulator(['--read-only-token', READ_ONLY_TOKEN]);
    dir = tempDir();
    cpSync(join(ROOT, 'examples', 'environments'), dir.file('environments'), { recursive: true });
  });
  afterAll(async () => {
    await emulator?.stop();
    dir?.remove();
  });

  it('plans with the read-only token, applies the saved plan with the write token, then drifts clean', async () => {
    // The retired app still has its channel connection: production's plan deletes it.
    const seeded = await fetch(`${emulator.url}/crm/v3/extensions/calling/${APP_IDS.HUBSPOT_APP_ID_LEGACY}/settings/channel-connection`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://legacy.example.com/hook', isReady: true }),
    });
    expect(seeded.status).toBe(200);

    for (const [environment, summary] of [
      ['staging', 'Plan: 3 to create, 0 to update, 0 to delete.'],
      ['production', 'Plan: 3 to create, 0 to update, 1 to delete.'],
    ] as const) {
      const glob = `environments/${environment}/*.yaml`;
      expect((await step(['validate', '--strict', glob], READ_ONLY_TOKEN)).code).toBe(0);
      const plan = await step(['plan', glob, '--out', `${environment}.json`, '--detailed-exitcode'], READ_ONLY_TOKEN);
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain(summary);

      const apply = await step(['apply', `${environment}.json`, '--config', glob], ACCESS_TOKEN);
      expect(apply.code, apply.stderr).toBe(0);
      expect((await step(['drift', glob], READ_ONLY_TOKEN)).code).toBe(0);
      expect((await step(['plan', glob, '--detailed-exitcode'], READ_ONLY_TOKEN)).code).toBe(0);
    }

    const state = await emulatorState(emulator);
    expect(Object.keys(state).sort()).toEqual([APP_IDS.HUBSPOT_APP_ID_STAGING, APP_IDS.HUBSPOT_APP_ID_PRODUCTION]);
    expect(state[APP_IDS.HUBSPOT_APP_ID_PRODUCTION]?.['calling-settings']).toMatchObject({ name: 'Acme Calling', isReady: true });
    expect(state[APP_IDS.HUBSPOT_APP_ID_STAGING]?.['recording-settings']).toMatchObject({
      urlToRetrieveAuthedRecording: 'https://calling-staging.example.com/hubspot/recordings/%s',
    });
    for (const output of outputs) {
      const text = output.stdout + output.stderr;
      expect(leaksSecret(text) || text.includes(READ_ONLY_TOKEN)).toBe(false);
    }
  });
  it('a failed plan prints its error under the marker a successful plan prints, whatever the glob holds', async () => {
    const glob = 'my env/*.yaml';
    cpSync(join(ROOT, 'examples', 'environments', 'staging'), dir.file('my env'), { recursive: true });
    const planned = await step(['plan', glob, '--strict', '--format', 'markdown'], READ_ONLY_TOKEN);
    expect(planned.code, planned.stderr).toBe(0);
    const marker = planned.stdout.split('\n', 1)[0];
    expect(marker).toBe('<!-- hscc:plan my%20env/*.yaml -->');

    writeFileSync(dir.file('my env/broken.yaml'), 'appId: 99\nsettings:\n  url: "https://calls.example.com/99\n');
    const failed = await step(['plan', glob, '--strict', '--format', 'markdown'], READ_ONLY_TOKEN);
    expect(failed.code).toBe(1);
    expect(failed.stdout.split('\n', 1)[0]).toBe(marker);
    expect(failed.stdout).toContain('**hscc plan failed.**');
    expect(failed.stderr).toMatch(/broken\.yaml:3:8 settings\.url: the string that starts here has no closing "/);
  });
});
