import type { RemoteResource, ResourceTarget, SettingsClient } from '../hubspot/types.js';
import { mapConcurrent } from './map-concurrent.js';

/** What one GET found for an app resource, or why it failed. */
export type Observation =
  | { target: ResourceTarget; ok: true; remote: RemoteResource | null }
  | { target: ResourceTarget; ok: false; error: Error };

export interface ObserveOptions {
  parallelism: number;
  onSettled?: () => void;
  /** Once aborted, no further GET starts; those not started fail as interrupted. */
  signal?: AbortSignal | undefined;
}

/** Reads every target concurrently (GET only); failures are values. */
export async function observeResources(
  targets: readonly ResourceTarget[],
  client: SettingsClient,
  options: ObserveOptions,
): Promise<Observation[]> {
  return mapConcurrent(targets, options.parallelism, async (target): Promise<Observation> => {
    if (options.signal?.aborted === true) return { target, ok: false, error: new Error('interrupted: not read') };
    try {
      return { target, ok: true, remote: await client.get(target) };
    } catch (error) {
      return { target, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      options.onSettled?.();
    }
  });
}
