import { describe, expect, it } from 'vitest';
import { EmulatorStore } from '../../../src/emulator/store.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('EmulatorStore', () => {
  it('creates settings with createdAt = updatedAt from the injected clock', () => {
    const store = new EmulatorStore(clock());
    const result = store.create(7, { url: 'https://a.example/x', isReady: true });
    expect(result).toEqual({
      ok: true,
      settings: { url: 'https://a.example/x', isReady: true, createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.000Z' },
    });
    expect(store.get(7)).toEqual(result.ok ? result.settings : undefined);
    expect(store.size).toBe(1);
  });

  it('refuses a second create with conflict and keeps the first', () => {
    const store = new EmulatorStore(clock());
    store.create(7, { url: 'https://a.example/', isReady: true });
    expect(store.create(7, { url: 'https://b.example/', isReady: false })).toEqual({ ok: false, error: 'conflict' });
    expect(store.get(7)?.url).toBe('https://a.example/');
  });

  it('updates only the given fields, keeps createdAt and moves updatedAt', () => {
    const c = clock();
    const store = new EmulatorStore(c);
    store.create(7, { url: 'https://a.example/', isReady: false });
    c.advance(60_000);
    const result = store.update(7, { isReady: true });
    expect(result).toEqual({
      ok: true,
      settings: { url: 'https://a.example/', isReady: true, createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:05:05.000Z' },
    });
  });

  it('changes updatedAt on every write even when the clock stands still', () => {
    const store = new EmulatorStore(clock());
    const created = store.create(7, { url: 'https://a.example/', isReady: false });
    const first = store.update(7, { isReady: false });
    const second = store.update(7, { url: 'https://a.example/' });
    const stamps = [created, first, second].map((r) => (r.ok ? r.settings.updatedAt : ''));
    expect(new Set(stamps).size).toBe(3);
    expect(stamps).toEqual([...stamps].sort());
  });

  it('moves updatedAt past a loaded timestamp equal to now', () => {
    const store = new EmulatorStore(clock());
    store.load({ apps: { '7': { url: 'https://a.example/', isReady: true, createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.000Z' } } });
    const result = store.update(7, { isReady: false });
    expect(result.ok && result.settings.updatedAt).toBe('2026-01-02T03:04:05.001Z');
  });

  it('reports not-found for update and delete of missing settings', () => {
    const store = new EmulatorStore(clock());
    expect(store.update(9, { isReady: true })).toEqual({ ok: false, error: 'not-found' });
    expect(store.delete(9)).toEqual({ ok: false, error: 'not-found' });
  });

  it('deletes settings', () => {
    const store = new EmulatorStore(clock());
    store.create(7, { url: 'https://a.example/', isReady: true });
    expect(store.delete(7)).toEqual({ ok: true });
    expect(store.get(7)).toBeUndefined();
    expect(store.getJson(7)).toBeUndefined();
  });

  it('serves the GET body as cached JSON that follows writes', () => {
    const store = new EmulatorStore(clock());
    store.create(7, { url: 'https://a.example/', isReady: true });
    expect(JSON.parse(store.getJson(7) ?? '')).toEqual(store.get(7));
    store.update(7, { url: 'https://b.example/' });
    expect(JSON.parse(store.getJson(7) ?? '')).toMatchObject({ url: 'https://b.example/' });
  });

  it('snapshots apps in appId order and loads them back', () => {
    const store = new EmulatorStore(clock());
    store.create(30, { url: 'https://c.example/', isReady: true });
    store.create(4, { url: 'https://d.example/', isReady: false });
    const snapshot = store.snapshot();
    expect(Object.keys(snapshot.apps)).toEqual(['4', '30']);
    const copy = new EmulatorStore(clock(T0 + 1e9));
    copy.load(snapshot);
    expect(copy.snapshot()).toEqual(snapshot);
  });

  it('fills missing timestamps on load from the other one, else from the clock', () => {
    const store = new EmulatorStore(clock());
    store.load({
      apps: {
        '1': { url: 'https://a.example/', isReady: true },
        '2': { url: 'https://b.example/', isReady: true, createdAt: '2024-04-30 12:01' },
      },
    });
    expect(store.get(1)).toMatchObject({ createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.000Z' });
    expect(store.get(2)).toMatchObject({ createdAt: '2024-04-30 12:01', updatedAt: '2024-04-30 12:01' });
  });

  it('returns frozen settings, so callers cannot change the state behind its back', () => {
    const store = new EmulatorStore(clock());
    store.create(7, { url: 'https://a.example/', isReady: true });
    const settings = store.get(7) as { isReady: boolean };
    expect(() => {
      settings.isReady = false;
    }).toThrow(TypeError);
    expect(store.get(7)?.isReady).toBe(true);
  });

  it('clears everything', () => {
    const store = new EmulatorStore(clock());
    store.create(7, { url: 'https://a.example/', isReady: true });
    store.clear();
    expect(store.snapshot()).toEqual({ apps: {} });
  });
});
