import { describe, expect, it } from 'vitest';
import { EmulatorStore } from '../../../src/emulator/store.js';
import { UserError } from '../../../src/errors.js';
import { storeClient } from '../../helpers/store-client.js';

const v3 = { appId: 7, apiVersion: 'v3' as const };
const v2026 = { appId: 7, apiVersion: '2026-03' as const };

describe('storeClient', () => {
  it('reads null when absent and the settings when present, shared by both flavours', async () => {
    const store = new EmulatorStore({ now: () => 0 });
    const client = storeClient(store);
    expect(await client.get(v3)).toBeNull();
    const created = await client.create(v3, { url: 'https://a.example/', isReady: true });
    expect(created).toMatchObject({ url: 'https://a.example/', isReady: true, createdAt: '1970-01-01T00:00:00.000Z' });
    expect(await client.get(v2026)).toEqual(created);
  });

  it('resolves a create that finds settings by patching them', async () => {
    const store = new EmulatorStore({ now: () => 0 });
    store.create(7, { url: 'https://old.example/', isReady: false });
    const client = storeClient(store);
    expect(await client.create(v3, { url: 'https://new.example/', isReady: true })).toMatchObject({ url: 'https://new.example/', isReady: true });
  });

  it('fails an update of missing settings like HubSpot (404) and treats delete of missing as done', async () => {
    const client = storeClient(new EmulatorStore());
    await expect(client.update(v3, { isReady: true })).rejects.toBeInstanceOf(UserError);
    await expect(client.delete(v3)).resolves.toBeUndefined();
  });

  it('deletes', async () => {
    const store = new EmulatorStore();
    store.create(7, { url: 'https://a.example/', isReady: true });
    await storeClient(store).delete(v2026);
    expect(store.get(7)).toBeUndefined();
  });
});
