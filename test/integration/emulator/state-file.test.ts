import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/server.js';
import { readStateFile } from '../../../src/emulator/state-file.js';
import { UserError } from '../../../src/errors.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const settings = { url: 'https://help-desk.example/webhook', isReady: true };
let dirs: TempDir[] = [];

afterEach(() => {
  for (const dir of dirs) dir.remove();
  dirs = [];
});

function dir(files: Record<string, string> = {}): TempDir {
  const created = tempDir(files);
  dirs.push(created);
  return created;
}

function post(url: string, appId: number, body: unknown): Promise<Response> {
  return fetch(`${url}/crm/v3/extensions/calling/${appId}/settings/channel-connection?hapikey=k`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('--state file', () => {
  it('starts empty when the file is missing, saves after each write and survives a restart', async () => {
    const d = dir();
    const statePath = d.file('state.json');
    const first = await startEmulator({ statePath });
    expect((await post(first.url, 5, settings)).status).toBe(200);
    // Saved right after the write, not only on shutdown.
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { apps: Record<string, Record<string, unknown>> };
    expect(saved.apps['5']?.['channel-connection']).toMatchObject(settings);
    await first.close();

    const second = await startEmulator({ statePath });
    try {
      const response = await fetch(`${second.url}/crm/extensions/calling/2026-03/5/settings/channel-connection`, {
        headers: { authorization: 'Bearer t' },
      });
      expect(await response.json()).toEqual(saved.apps['5']?.['channel-connection']);
    } finally {
      await second.close();
    }
  });

  it('writes atomically: no temp files are left and the file is always whole JSON', async () => {
    const d = dir();
    const statePath = d.file('state.json');
    const emulator = await startEmulator({ statePath });
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((appId) => post(emulator.url, appId, settings)));
    await emulator.close();
    expect(readdirSync(d.path)).toEqual(['state.json']);
    expect(Object.keys((JSON.parse(readFileSync(statePath, 'utf8')) as { apps: object }).apps)).toHaveLength(8);
  });

  it('replaces the file by rename (a new inode), never rewriting it in place', async () => {
    const d = dir({ 'state.json': JSON.stringify({ apps: {} }) });
    const statePath = d.file('state.json');
    const { ino } = statSync(statePath);
    const emulator = await startEmulator({ statePath });
    await post(emulator.url, 1, settings);
    const after = statSync(statePath);
    await emulator.close();
    // A new inode means the content arrived by rename, not by rewriting in place.
    expect(after.ino).not.toBe(ino);
  });

  it('saves control-API changes and the state on close', async () => {
    const d = dir();
    const statePath = d.file('nested-name.json');
    const emulator = await startEmulator({ statePath });
    await fetch(`${emulator.url}/__emulator/state`, { method: 'PUT', body: JSON.stringify({ apps: { '9': { 'channel-connection': settings } } }) });
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ apps: { '9': { 'channel-connection': settings } } });
    await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
    await emulator.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual({ apps: {} });
  });

  it.each([
    ['not JSON', '{"apps": ', /is not valid JSON/],
    ['the wrong shape', '{"apps": {"1": {"url": "https://a.example/"}}}', /is not an emulator state: apps\["1"\].isReady is missing/],
    ['an unknown resource', '{"apps": {"1": {"video": {}}}}', /is not an emulator state: apps\["1"\] has an unknown resource "video"/],
    ['an array', '[]', /is not an emulator state/],
  ])('refuses to start on a state file that is %s, naming the file', async (_name, content, problem) => {
    const d = dir({ 'state.json': content });
    const statePath = d.file('state.json');
    const error = await startEmulator({ statePath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(statePath);
    expect((error as Error).message).toMatch(problem);
    // Not a silent reset: the file is untouched.
    expect(readFileSync(statePath, 'utf8')).toBe(content);
  });

  it('loads a state file of the older channel-connection-only shape and rewrites it in the new shape', async () => {
    const old = { apps: { '5': { ...settings, createdAt: '2024-04-30T12:01:00Z', updatedAt: '2024-05-01T08:00:00Z' } } };
    const d = dir({ 'state.json': JSON.stringify(old) });
    const statePath = d.file('state.json');
    const emulator = await startEmulator({ statePath });
    const response = await fetch(`${emulator.url}/crm/v3/extensions/calling/5/settings/channel-connection?hapikey=k`);
    expect(await response.json()).toEqual(old.apps['5']);
    await emulator.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual({ apps: { '5': { 'channel-connection': old.apps['5'] } } });
  });

  it('removes the temp files of interrupted writes at start, and only those', async () => {
    const d = dir({
      'state.json': JSON.stringify({ apps: {} }),
      '.state.json.0b7e2a57-4a4f-4c61-9f3a-1d2e3f4a5b6c.tmp': '{"apps": {"1": ',
      '.other.json.0b7e2a57-4a4f-4c61-9f3a-1d2e3f4a5b6c.tmp': 'not ours',
      'notes.tmp': 'not ours either',
    });
    const emulator = await startEmulator({ statePath: d.file('state.json') });
    await emulator.close();
    expect(readdirSync(d.path).sort()).toEqual(['.other.json.0b7e2a57-4a4f-4c61-9f3a-1d2e3f4a5b6c.tmp', 'notes.tmp', 'state.json']);
  });

  it('is never corrupt or shrunk after kill -9 mid-write, and the next start cleans up', async () => {
    const d = dir();
    const statePath = d.file('state.json');
    // Node 20 cannot run TypeScript: bundle the child from source.
    const child = d.file('state-writer.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/state-writer.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: child,
      logLevel: 'silent',
    });
    const writer = spawn(process.execPath, [child, statePath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => writer.once('exit', (_code, signal) => resolve(signal)));
    // Kill at an arbitrary point of the write loop, once the file is large enough that a write takes a while.
    const target = 150 + Math.floor(Math.random() * 100);
    for await (const line of createInterface({ input: writer.stdout })) {
      const match = /^acked (\d+)$/.exec(line);
      if (match === null) continue;
      acked = Number(match[1]);
      if (acked >= target) {
        writer.kill('SIGKILL');
        break;
      }
    }
    expect(await exited).toBe('SIGKILL');
    // Whole JSON of the right shape, holding at least every acknowledged write (each was on disk before its answer).
    const state = readStateFile(statePath);
    expect(Object.keys(state.apps).length).toBeGreaterThanOrEqual(acked);
    const restarted = await startEmulator({ statePath });
    await restarted.close();
    expect(readdirSync(d.path).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(Object.keys(readStateFile(statePath).apps).length).toBeGreaterThanOrEqual(acked);
  }, 60_000);

  it('never writes a configured credential to the state file, even one a client put in a field', async () => {
    const d = dir();
    const statePath = d.file('state.json');
    const key = 'sekrit-key-123';
    const emulator = await startEmulator({ statePath, credentials: { apiKey: key } });
    const response = await fetch(`${emulator.url}/crm/v3/extensions/calling/4/settings/channel-connection?hapikey=${key}`, {
      method: 'POST',
      body: JSON.stringify({ url: `https://help-desk.example/hook?key=${key}`, isReady: true }),
    });
    expect(response.status).toBe(200);
    await emulator.close();
    const text = readFileSync(statePath, 'utf8');
    expect(text).not.toContain(key);
    expect(readStateFile(statePath).apps['4']?.['channel-connection']?.fields.url).toBe('https://help-desk.example/hook?key=[REDACTED]');
  });

  it('a credential that reads like an appId leaves the appId key alone: the file loads again', async () => {
    const d = dir();
    const statePath = d.file('state.json');
    const key = '12345678';
    const emulator = await startEmulator({ statePath, credentials: { apiKey: key } });
    const response = await fetch(`${emulator.url}/crm/v3/extensions/calling/${key}/settings/channel-connection?hapikey=${key}`, {
      method: 'POST',
      body: JSON.stringify({ url: 'https://help-desk.example/hook', isReady: true }),
    });
    expect(response.status).toBe(200);
    await emulator.close();
    expect(Object.keys(readStateFile(statePath).apps)).toEqual([key]);
  });

  it('refuses to start on an unreadable state file', async () => {
    const d = dir();
    // A directory cannot be read as a file (works for root too, unlike chmod).
    const error = await startEmulator({ statePath: d.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/cannot read the emulator state file .*EISDIR/);
  });

  it('refuses to start when the state file is to be created in a directory that does not exist', async () => {
    const d = dir();
    const error = await startEmulator({ statePath: d.file('missing/state.json') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/cannot keep the emulator state in .*missing\/state\.json: its directory .*missing does not exist/);
  });

  it('answers 500 when the state cannot be saved, without crashing', async () => {
    const d = dir();
    const statePath = d.file('state.json');
    const emulator = await startEmulator({ statePath, log: () => {} });
    d.remove();
    const response = await post(emulator.url, 1, settings);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ status: 'error', message: expect.stringMatching(/could not save its state file/) });
    await expect(emulator.close()).rejects.toThrow(UserError);
  });
});

