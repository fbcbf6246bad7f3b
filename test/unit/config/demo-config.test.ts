import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { AppConfig } from '../../../src/config/model.js';

const settingsOf = (app: AppConfig) => {
  const desired = app.resources['channel-connection'];
  return desired?.ensure === 'present' ? desired.fields : undefined;
};

const ROOT = join(import.meta.dirname, '../../..');

describe('the shipped channel-connection.yaml', () => {
  it('passes strict validation with no warnings: two apps, one per API flavour', async () => {
    const loaded = await loadConfig({ patterns: [], cwd: ROOT, env: {}, strict: true });
    expect([...loaded.errors, ...loaded.warnings]).toEqual([]);
    expect(loaded.apps.map((a) => [a.apiVersion, settingsOf(a)?.isReady])).toEqual([
      ['v3', true],
      ['2026-03', false],
    ]);
    expect(loaded.apps.every((a) => settingsOf(a)?.url === 'https://calls.example.com/hubspot/channel-connection')).toBe(true);
    expect(loaded.apps.every((a) => a.phoneNumbers.length >= 2 && a.phoneNumbers.every((n) => n.extension === undefined))).toBe(true);
  });

  it('points both apps at WEBHOOK_URL when it is set (the demo’s local hscc serve)', async () => {
    const env = { WEBHOOK_URL: 'http://127.0.0.1:8080/' };
    const loaded = await loadConfig({ patterns: ['channel-connection.yaml'], cwd: ROOT, env, strict: true });
    expect(loaded.errors).toEqual([]);
    expect(loaded.apps.map((a) => settingsOf(a)?.url)).toEqual([env.WEBHOOK_URL, env.WEBHOOK_URL]);
  });
});
