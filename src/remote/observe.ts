import type { AppTarget, ChannelConnectionClient, RemoteSettings } from '../hubspot/types.js';
import { mapConcurrent } from './map-concurrent.js';

/** What one GET found for an app, or why it failed. */
export type Observation =
  | { appId: number; ok: true; settings: RemoteSettings | null }
  | { appId: number; ok: false; error: Error };

export interface ObserveOptions {
  parallelism: number;
  onSettled?: () => void;
}

/** Reads every target's settings concurrently (GET only); failures are values. */
export async function observeApps(
  targets: readonly AppTarget[],
  client: ChannelConnectionClient,
  options: ObserveOptions,
): Promise<Observation[]> {
  return mapConcurrent(targets, options.parallelism, async (target): Promise<Observation> => {
    try {
      return { appId: target.appId, ok: true, settings: await client.get(target) };
    } catch (error) {
      return { appId: target.appId, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      options.onSettled?.();
    }
  });
}
