import { describe, expect, it } from 'vitest';
import { EmulatorStore } from '../../../src/emulator/store.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { ResourceTarget } from '../../../src/hubspot/types.js';
import { createStoreClient, failWhen, hubSpotError } from '../../helpers/store-client.js';

const connection = (overrides: Partial<ResourceTarget> = {}): ResourceTarget => ({
  appId: 7,
  apiVersion: 'v3',
  auth: 'developer-api-key',
  resource: 'channel-connection',
  ...overrides,
});
const recording = connection({ resource: 'recording-settings', apiVersion: '2026-03', auth: 'access-token' });

describe('createStoreClient', () => {
  it('reads null when absent and the resource when present, shared by every version and auth', async () => {
    const store = new EmulatorStore({ now: () => 0 });
    const client = createStoreClient(store);
    expect(await client.get(connection())).toBeNull();
    const created = await client.create(connection(), { url: 'https://a.example/', isReady: true });
    expect(created).toEqual({
      remote: { fields: { url: 'https://a.example/', isReady: true }, createdAt: '1970-01-01T00:00:00.000Z', updatedAt: '1970-01-01T00:00:00.000Z' },
      wrote: true,
    });
    expect(await client.get(connection({ apiVersion: '2026-09', auth: 'access-token' }))).toEqual(created.remote);
    expect(await client.get(connection({ resource: 'calling-settings' }))).toBeNull();
  });

  it('resolves a create that finds the resource by patching only the differing fields', async () => {
    const store = new EmulatorStore({ now: () => 0 });
    store.create(7, 'channel-connection', { url: 'https://old.example/', isReady: true });
    const client = createStoreClient(store);
    const result = await client.create(connection(), { url: 'https://new.example/', isReady: true });
    expect(result.wrote).toBe(true);
    expect(result.remote?.fields).toEqual({ url: 'https://new.example/', isReady: true });
    expect(store.get(7, 'channel-connection')?.updatedAt).not.toBe(store.get(7, 'channel-connection')?.createdAt);
  });

  it('reports wrote false for a create that finds the resource already as wanted, leaving updatedAt', async () => {
    const store = new EmulatorStore({ now: () => 0 });
    store.create(7, 'recording-settings', { urlToRetrieveAuthedRecording: 'https://r.example/%s' });
    const before = store.get(7, 'recording-settings');
    const result = await createStoreClient(store).create(recording, { urlToRetrieveAuthedRecording: 'https://r.example/%s' });
    expect(result).toEqual({ remote: { fields: before?.fields, createdAt: before?.createdAt, updatedAt: before?.updatedAt }, wrote: false });
    expect(store.get(7, 'recording-settings')).toBe(before);
  });

  it('fails an update of a missing resource like HubSpot (404) and treats delete of a missing one as done', async () => {
    const client = createStoreClient(new EmulatorStore());
    const error = await client.update(connection(), { isReady: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error).toMatchObject({ status: 404, category: 'OBJECT_NOT_FOUND', method: 'PATCH', appId: 7 });
    expect(await client.delete(connection())).toEqual({ remote: null, wrote: false });
  });

  it('deletes, and refuses to delete recording settings as HubSpot has no DELETE for them', async () => {
    const store = new EmulatorStore();
    store.create(7, 'channel-connection', { url: 'https://a.example/', isReady: true });
    store.create(7, 'recording-settings', { urlToRetrieveAuthedRecording: 'https://r.example/%s' });
    const client = createStoreClient(store);
    expect(await client.delete(connection({ apiVersion: '2025-09' }))).toEqual({ remote: null, wrote: true });
    expect(store.get(7, 'channel-connection')).toBeUndefined();
    await expect(client.delete(recording)).rejects.toMatchObject({ status: 405 });
    expect(store.get(7, 'recording-settings')).toBeDefined();
  });

  it('fails the chosen calls without touching the store, and records every call with its outcome', async () => {
    const store = new EmulatorStore();
    const client = createStoreClient(store, { fail: failWhen({ appId: 7, resource: 'channel-connection', method: 'create' }, { times: 1 }) });
    const target = connection();
    const error = await client.create(target, { url: 'https://a.example/', isReady: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500, category: 'INTERNAL_ERROR' });
    expect(store.get(7, 'channel-connection')).toBeUndefined();
    // Used up: the next create goes through; other calls never matched.
    await client.create(target, { url: 'https://a.example/', isReady: true });
    await client.get(connection({ appId: 8 }));
    expect(client.calls.map((call) => [call.method, call.target.appId, call.outcome])).toEqual([
      ['create', 7, 'failed'],
      ['create', 7, 'wrote'],
      ['get', 8, 'read'],
    ]);
    expect(client.calls[0]?.fields).toEqual({ url: 'https://a.example/', isReady: true });
  });

  it('throws the error the hook builds', async () => {
    const denied = (call: Parameters<typeof hubSpotError>[0]) => hubSpotError(call, 403, 'MISSING_SCOPES');
    const client = createStoreClient(new EmulatorStore(), { fail: failWhen({ method: 'update' }, { error: denied }) });
    await expect(client.update(connection(), { isReady: true })).rejects.toMatchObject({ status: 403, category: 'MISSING_SCOPES' });
    await expect(client.get(connection())).resolves.toBeNull();
  });
});
