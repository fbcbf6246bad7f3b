import { describe, expect, it } from 'vitest';
import { EmulatorStore } from '../../../src/emulator/store.js';
import { parseEmulatorState } from '../../../src/emulator/validation.js';
import { RESOURCES } from '../../../src/resources/index.js';
import { calling as callingFields } from '../../helpers/builders.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const STAMP0 = '2026-01-02T03:04:05.000Z';

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const connection = { url: 'https://a.example/x', isReady: true };
const recording = { urlToRetrieveAuthedRecording: 'https://r.example/%s' };
const calling = callingFields();

describe('EmulatorStore', () => {
  it('creates a resource with createdAt = updatedAt from the injected clock, and its GET body', () => {
    const store = new EmulatorStore(clock());
    const result = store.create(7, 'channel-connection', connection);
    expect(result).toEqual({
      ok: true,
      resource: { fields: connection, createdAt: STAMP0, updatedAt: STAMP0 },
      json: JSON.stringify({ ...connection, createdAt: STAMP0, updatedAt: STAMP0 }),
    });
    expect(store.get(7, 'channel-connection')).toEqual(result.ok ? result.resource : undefined);
    expect(store.size).toBe(1);
  });

  it('keeps each resource of an app apart', () => {
    const store = new EmulatorStore(clock());
    store.create(7, 'calling-settings', calling);
    store.create(7, 'recording-settings', recording);
    expect(store.get(7, 'channel-connection')).toBeUndefined();
    expect(store.get(7, 'calling-settings')?.fields).toEqual(calling);
    expect(store.get(7, 'recording-settings')?.fields).toEqual(recording);
    expect(store.delete(7, 'calling-settings')).toEqual({ ok: true });
    expect(store.get(7, 'recording-settings')?.fields).toEqual(recording);
  });

  it('stores fields in descriptor order and drops fields the descriptor does not know', () => {
    const store = new EmulatorStore(clock());
    const reversed = Object.fromEntries(Object.entries(calling).reverse());
    const result = store.create(1, 'calling-settings', { ...reversed, extra: 'x' });
    expect(Object.keys(result.ok ? JSON.parse(result.json) : {})).toEqual([...Object.keys(calling), 'createdAt', 'updatedAt']);
  });

  it('refuses a second create with conflict and keeps the first', () => {
    const store = new EmulatorStore(clock());
    store.create(7, 'channel-connection', { url: 'https://a.example/', isReady: true });
    expect(store.create(7, 'channel-connection', { url: 'https://b.example/', isReady: false })).toEqual({ ok: false, error: 'conflict' });
    expect(store.get(7, 'channel-connection')?.fields.url).toBe('https://a.example/');
  });

  it('updates only the given fields, keeps createdAt and moves updatedAt', () => {
    const c = clock();
    const store = new EmulatorStore(c);
    store.create(7, 'calling-settings', calling);
    c.advance(60_000);
    const result = store.update(7, 'calling-settings', { width: 500 });
    expect(result.ok && result.resource).toEqual({ fields: { ...calling, width: 500 }, createdAt: STAMP0, updatedAt: '2026-01-02T03:05:05.000Z' });
  });

  it('changes updatedAt on every write even when the clock stands still', () => {
    const store = new EmulatorStore(clock());
    const created = store.create(7, 'channel-connection', { url: 'https://a.example/', isReady: false });
    const first = store.update(7, 'channel-connection', { isReady: false });
    const other = store.create(8, 'recording-settings', recording);
    const second = store.update(7, 'channel-connection', { url: 'https://a.example/' });
    const stamps = [created, first, other, second].map((r) => (r.ok ? r.resource.updatedAt : ''));
    expect(new Set(stamps).size).toBe(4);
    expect(stamps).toEqual([...stamps].sort());
  });

  it('moves updatedAt past a loaded timestamp equal to now', () => {
    const store = new EmulatorStore(clock());
    store.load({ apps: { '7': { 'channel-connection': { fields: connection, createdAt: STAMP0, updatedAt: STAMP0 } } } });
    const result = store.update(7, 'channel-connection', { isReady: false });
    expect(result.ok && result.resource.updatedAt).toBe('2026-01-02T03:04:05.001Z');
  });

  it('moves updatedAt past a loaded timestamp in the future, so it never goes back nor before createdAt', () => {
    const store = new EmulatorStore(clock());
    const future = '2030-01-01T00:00:00.000Z';
    store.load({ apps: { '7': { 'channel-connection': { fields: connection, createdAt: future, updatedAt: future } } } });
    const result = store.update(7, 'channel-connection', { isReady: false });
    expect(result.ok && result.resource.updatedAt).toBe('2030-01-01T00:00:00.001Z');
    expect(result.ok && result.resource.createdAt).toBe(future);
  });

  it('reads a seed timestamp without a zone ("2030-01-01 00:00") as UTC, whatever the machine\'s time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const store = new EmulatorStore(clock());
      const future = '2030-01-01 00:00';
      store.load({ apps: { '7': { 'channel-connection': { fields: connection, createdAt: future, updatedAt: future } } } });
      const result = store.update(7, 'channel-connection', { isReady: false });
      expect(result.ok && result.resource.updatedAt).toBe('2030-01-01T00:00:00.001Z');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('reports not-found for update and delete of a missing resource', () => {
    const store = new EmulatorStore(clock());
    store.create(9, 'channel-connection', connection);
    expect(store.update(9, 'calling-settings', { isReady: true })).toEqual({ ok: false, error: 'not-found' });
    expect(store.delete(9, 'calling-settings')).toEqual({ ok: false, error: 'not-found' });
    expect(store.delete(10, 'channel-connection')).toEqual({ ok: false, error: 'not-found' });
  });

  it('refuses to delete what HubSpot cannot delete, per the descriptor', () => {
    const store = new EmulatorStore(clock());
    store.create(9, 'recording-settings', recording);
    for (const resource of RESOURCES.filter((r) => !r.deletable)) {
      expect(store.delete(9, resource.name)).toEqual({ ok: false, error: 'not-deletable' });
    }
    expect(store.get(9, 'recording-settings')).toBeDefined();
  });

  it('forgets an app whose last resource is deleted', () => {
    const store = new EmulatorStore(clock());
    store.create(7, 'channel-connection', connection);
    expect(store.delete(7, 'channel-connection')).toEqual({ ok: true });
    expect(store.get(7, 'channel-connection')).toBeUndefined();
    expect(store.getJson(7, 'channel-connection')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.snapshot()).toEqual({ apps: {} });
  });

  it('serves the GET body as cached JSON that follows writes', () => {
    const store = new EmulatorStore(clock());
    store.create(7, 'channel-connection', connection);
    const read = store.get(7, 'channel-connection');
    expect(JSON.parse(store.getJson(7, 'channel-connection') ?? '')).toEqual({ ...read?.fields, createdAt: read?.createdAt, updatedAt: read?.updatedAt });
    store.update(7, 'channel-connection', { url: 'https://b.example/' });
    expect(JSON.parse(store.getJson(7, 'channel-connection') ?? '')).toMatchObject({ url: 'https://b.example/' });
  });

  it('snapshots apps in appId order, resources in descriptor order, and loads them back', () => {
    const store = new EmulatorStore(clock());
    store.create(30, 'channel-connection', connection);
    store.create(30, 'calling-settings', calling);
    store.create(4, 'recording-settings', recording);
    const snapshot = store.snapshot();
    expect(Object.keys(snapshot.apps)).toEqual(['4', '30']);
    expect(Object.keys(snapshot.apps['30'] ?? {})).toEqual(['calling-settings', 'channel-connection']);
    expect(snapshot.apps['4']?.['recording-settings']).toEqual({ ...recording, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const parsed = parseEmulatorState(JSON.parse(JSON.stringify(snapshot)));
    if (!parsed.ok) throw new Error(parsed.problem);
    const copy = new EmulatorStore(clock(T0 + 1e9));
    copy.load(parsed.state);
    expect(copy.snapshot()).toEqual(snapshot);
  });

  it('fills missing timestamps on load from the other one, else from the clock', () => {
    const store = new EmulatorStore(clock());
    store.load({
      apps: {
        '1': { 'channel-connection': { fields: connection } },
        '2': { 'channel-connection': { fields: connection, createdAt: '2024-04-30 12:01' } },
      },
    });
    expect(store.get(1, 'channel-connection')).toMatchObject({ createdAt: STAMP0, updatedAt: STAMP0 });
    expect(store.get(2, 'channel-connection')).toMatchObject({ createdAt: '2024-04-30 12:01', updatedAt: '2024-04-30 12:01' });
  });

  it('returns frozen resources, so callers cannot change the state behind its back', () => {
    const store = new EmulatorStore(clock());
    store.create(7, 'channel-connection', connection);
    const fields = store.get(7, 'channel-connection')?.fields as Record<string, unknown>;
    expect(() => {
      fields.isReady = false;
    }).toThrow(TypeError);
    expect(store.get(7, 'channel-connection')?.fields.isReady).toBe(true);
  });

  it('clears everything', () => {
    const store = new EmulatorStore(clock());
    store.create(7, 'channel-connection', connection);
    store.clear();
    expect(store.snapshot()).toEqual({ apps: {} });
  });
});
