import { UserError } from '../../src/errors.js';
import type { EmulatorStore, WriteResult } from '../../src/emulator/store.js';
import type { AppTarget, ChannelConnectionClient, RemoteSettings } from '../../src/hubspot/types.js';

/** The settings of a successful write, or HubSpot's 404 as the error the real client throws. */
function settle(result: WriteResult, target: AppTarget): RemoteSettings {
  if (!result.ok) throw new UserError(`No channel connection settings exist for app ${target.appId} (OBJECT_NOT_FOUND).`);
  const { url, isReady, createdAt, updatedAt } = result.settings;
  return { url, isReady, createdAt, updatedAt };
}

/**
 * A ChannelConnectionClient backed by the emulator's store, with the
 * semantics of the real client over HubSpot: get → null when absent; a create
 * that finds settings is resolved by patching them; update of missing
 * settings fails like HubSpot's 404; delete of missing settings is done.
 * Both API flavours share one state, as at HubSpot.
 */
export function storeClient(store: EmulatorStore): ChannelConnectionClient {
  return {
    async get(target) {
      const settings = store.get(target.appId);
      return settings === undefined ? null : { ...settings };
    },
    async create(target, settings) {
      const created = store.create(target.appId, settings);
      // HubSpot refuses the POST (409); the real client reads again and patches.
      return settle(created.ok ? created : store.update(target.appId, settings), target);
    },
    async update(target, patch) {
      return settle(store.update(target.appId, patch), target);
    },
    async delete(target) {
      // A 404 on DELETE means the goal is already met.
      store.delete(target.appId);
    },
  };
}
