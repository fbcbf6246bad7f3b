import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { AppConfig } from '../../../src/config/model.js';

// The example configs load exactly as `hscc validate --strict` would see them in CI.
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const ENVIRONMENTS = ['staging', 'production'];

/** What the example workflows put in the environment (repository variables). */
const ENV = {
  HUBSPOT_APP_ID_STAGING: '1234567',
  HUBSPOT_APP_ID_PRODUCTION: '2345678',
  HUBSPOT_APP_ID_LEGACY: '3456789',
};

describe('example configs', () => {
  it.each(ENVIRONMENTS)('%s loads under strict with no errors and no warnings', async (environment) => {
    const loaded = await loadConfig({ patterns: [`environments/${environment}/*.yaml`], cwd: EXAMPLES, env: ENV, strict: true });
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.apps.length).toBeGreaterThan(0);
  });

  it('expands the app ids and the staging host default', async () => {
    const staging = await loadConfig({ patterns: ['environments/staging/*.yaml'], cwd: EXAMPLES, env: ENV, strict: true });
    const connection = (app: AppConfig) => app.resources['channel-connection'];
    expect(staging.apps.map((app) => [app.appId, connection(app)])).toEqual([
      [1234567, { ensure: 'present', fields: { url: 'https://calling-staging.example.com/hubspot/channel-connection', isReady: false } }],
    ]);
    const production = await loadConfig({ patterns: ['environments/production/*.yaml'], cwd: EXAMPLES, env: ENV, strict: true });
    expect(production.apps.map((app) => [app.appId, connection(app)?.ensure])).toEqual([
      [2345678, 'present'],
      [3456789, 'absent'],
    ]);
  });

  it('every app uses an access token (the read-only token plans), and the help-desk apps manage all three resources', async () => {
    const loaded = await loadConfig({ patterns: ['environments/*/*.yaml'], cwd: EXAMPLES, env: ENV, strict: true });
    expect(loaded.apps.map((app) => [app.appId, app.auth])).toEqual([
      [1234567, 'access-token'],
      [2345678, 'access-token'],
      [3456789, 'access-token'],
    ]);
    const helpDesks = loaded.apps.filter((app) => app.source.file.endsWith('help-desk.yaml'));
    expect(helpDesks).toHaveLength(2);
    for (const app of helpDesks) expect(Object.keys(app.resources).sort()).toEqual(['calling-settings', 'channel-connection', 'recording-settings']);
  });

  it('names the missing variable when an app id is not set', async () => {
    const loaded = await loadConfig({ patterns: ['environments/production/*.yaml'], cwd: EXAMPLES, env: {}, strict: true });
    expect(loaded.errors.map((error) => error.message).join('\n')).toContain('HUBSPOT_APP_ID_PRODUCTION');
  });
});
