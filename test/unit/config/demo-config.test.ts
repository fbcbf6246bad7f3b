import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('the shipped channel-connection.yaml', () => {
  it('passes strict validation with no warnings: two apps, one per API flavour', async () => {
    const loaded = await loadConfig({ patterns: [], cwd: ROOT, env: {}, strict: true });
    expect([...loaded.errors, ...loaded.warnings]).toEqual([]);
    expect(loaded.apps.map((a) => [a.apiVersion, a.settings?.isReady])).toEqual([
      ['v3', true],
      ['2026-03', false],
    ]);
    expect(loaded.apps.every((a) => a.settings?.url === 'https://calls.example.com/hubspot/channel-connection')).toBe(true);
    expect(loaded.apps.every((a) => a.phoneNumbers.length >= 2 && a.phoneNumbers.every((n) => n.extension === undefined))).toBe(true);
  });

  it('points both apps at WEBHOOK_URL when it is set (the demo’s local hscc serve)', async () => {
    const env = { WEBHOOK_URL: 'http://127.0.0.1:8080/' };
    const loaded = await loadConfig({ patterns: ['channel-connection.yaml'], cwd: ROOT, env, strict: true });
    expect(loaded.errors).toEqual([]);
    expect(loaded.apps.map((a) => a.settings?.url)).toEqual([env.WEBHOOK_URL, env.WEBHOOK_URL]);
  });
});
