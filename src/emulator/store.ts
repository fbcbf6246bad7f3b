import type { ManagedSettings } from '../config/model.js';

/** The settings of one app as the emulator holds and serves them. */
export interface StoredSettings {
  readonly url: string;
  readonly isReady: boolean;
  /** ISO-8601 (UTC, `Z`), or whatever a loaded state file held. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Settings as accepted by {@link EmulatorStore.load}: timestamps default to "now". */
export interface StoredSettingsInput extends ManagedSettings {
  createdAt?: string;
  updatedAt?: string;
}

/** The wire shape of the whole state (control API and `--state` file): appId → settings. */
export interface EmulatorStateJson {
  apps: Record<string, StoredSettings>;
}

/** What {@link EmulatorStore.load} accepts: the state shape with optional timestamps. */
export interface EmulatorStateInput {
  apps: Record<string, StoredSettingsInput>;
}

/** The outcome of a create or update. */
export type WriteResult =
  | { ok: true; settings: StoredSettings }
  | { ok: false; error: 'not-found' | 'conflict' };

/** The outcome of a delete. */
export type DeleteResult = { ok: true } | { ok: false; error: 'not-found' };

export interface EmulatorStoreOptions {
  /** Epoch milliseconds; defaults to Date.now. */
  now?: () => number;
}

interface Entry {
  settings: StoredSettings;
  /** The GET body, serialised once per write so reads cost nothing. */
  json: string;
}

/**
 * HubSpot's channel-connection settings as a pure in-memory model: at most
 * one settings object per app, `createdAt` set on create and `updatedAt` on
 * every successful write. Operations return result values; nothing throws.
 * The server and the test client in test/helpers share it, so unit tests and
 * end-to-end tests agree on what HubSpot does.
 */
export class EmulatorStore {
  readonly #now: () => number;
  readonly #apps = new Map<number, Entry>();
  /** Last timestamp handed out; writes never reuse one, so `updatedAt` always changes. */
  #lastWriteMs = Number.NEGATIVE_INFINITY;

  constructor(options: EmulatorStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Number of apps with settings. */
  get size(): number {
    return this.#apps.size;
  }

  /** The app's settings, or undefined when it has none. */
  get(appId: number): StoredSettings | undefined {
    return this.#apps.get(appId)?.settings;
  }

  /** The JSON text of {@link get}, cached per write (the fast path of GET). */
  getJson(appId: number): string | undefined {
    return this.#apps.get(appId)?.json;
  }

  /** POST: creates the settings; `conflict` when the app already has some. */
  create(appId: number, settings: ManagedSettings): WriteResult {
    if (this.#apps.has(appId)) return { ok: false, error: 'conflict' };
    const stamp = this.#stamp(undefined);
    return { ok: true, settings: this.#put(appId, { url: settings.url, isReady: settings.isReady, createdAt: stamp, updatedAt: stamp }) };
  }

  /** PATCH: changes the given fields; `not-found` when the app has no settings. */
  update(appId: number, patch: Partial<ManagedSettings>): WriteResult {
    const current = this.#apps.get(appId)?.settings;
    if (current === undefined) return { ok: false, error: 'not-found' };
    return {
      ok: true,
      settings: this.#put(appId, {
        url: patch.url ?? current.url,
        isReady: patch.isReady ?? current.isReady,
        createdAt: current.createdAt,
        updatedAt: this.#stamp(current.updatedAt),
      }),
    };
  }

  /** DELETE: removes the settings; `not-found` when there were none. */
  delete(appId: number): DeleteResult {
    return this.#apps.delete(appId) ? { ok: true } : { ok: false, error: 'not-found' };
  }

  /** A copy of the whole state, apps in ascending appId order. */
  snapshot(): EmulatorStateJson {
    const apps: Record<string, StoredSettings> = {};
    for (const appId of [...this.#apps.keys()].sort((a, b) => a - b)) {
      const entry = this.#apps.get(appId);
      if (entry !== undefined) apps[String(appId)] = entry.settings;
    }
    return { apps };
  }

  /**
   * Replaces the whole state. Precondition: the input was checked by
   * `parseEmulatorState` (appIds are positive int32 decimal strings).
   */
  load(state: EmulatorStateInput): void {
    this.#apps.clear();
    for (const [key, input] of Object.entries(state.apps)) {
      // A missing timestamp takes the other one, else "now".
      const fallback = input.createdAt ?? input.updatedAt ?? this.#stamp(undefined);
      this.#put(Number(key), {
        url: input.url,
        isReady: input.isReady,
        createdAt: input.createdAt ?? fallback,
        updatedAt: input.updatedAt ?? fallback,
      });
    }
  }

  /** Removes every app's settings. */
  clear(): void {
    this.#apps.clear();
  }

  #put(appId: number, settings: StoredSettings): StoredSettings {
    const frozen = Object.freeze({ ...settings });
    this.#apps.set(appId, { settings: frozen, json: JSON.stringify(frozen) });
    return frozen;
  }

  /** A fresh ISO timestamp, strictly after every earlier one and never equal to `previous`. */
  #stamp(previous: string | undefined): string {
    let ms = Math.max(this.#now(), this.#lastWriteMs + 1);
    let stamp = new Date(ms).toISOString();
    // A loaded state may hold exactly this instant; a write must still be visible.
    if (stamp === previous) stamp = new Date(++ms).toISOString();
    this.#lastWriteMs = ms;
    return stamp;
  }
}
