import { RESOURCES, resourceNamed, type FieldValue, type Fields, type ResourceName } from '../resources/index.js';
import { timestampMs } from './validation.js';

/** One resource of one app as the emulator holds and serves it. */
export interface StoredResource {
  /** The descriptor's fields, in descriptor order. */
  readonly fields: Fields;
  /** ISO-8601 (UTC, `Z`), or whatever a loaded state file held. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A resource's wire shape (GET body, state file): its fields plus `createdAt` and `updatedAt`. */
export type StoredResourceJson = Readonly<Record<string, FieldValue>>;

/** The wire shape of the whole state (control API and `--state` file): appId → resource name → resource. */
export interface EmulatorStateJson {
  apps: Record<string, Partial<Record<ResourceName, StoredResourceJson>>>;
}

/** A resource as accepted by {@link EmulatorStore.load}: timestamps default to "now". */
export interface StoredResourceInput {
  fields: Fields;
  createdAt?: string | undefined;
  updatedAt?: string | undefined;
}

/** What {@link EmulatorStore.load} accepts, already checked by `parseEmulatorState`. */
export interface EmulatorStateInput {
  apps: Record<string, Partial<Record<ResourceName, StoredResourceInput>>>;
}

/** The outcome of a create or update. */
export type StoreWriteResult =
  | { ok: true; resource: StoredResource; json: string }
  | { ok: false; error: 'not-found' | 'conflict' };

/** The outcome of a delete; `not-deletable` for a resource HubSpot cannot delete (recording settings). */
export type StoreDeleteResult = { ok: true } | { ok: false; error: 'not-found' | 'not-deletable' };

export interface EmulatorStoreOptions {
  /** Epoch milliseconds; defaults to Date.now. */
  now?: () => number;
}

interface Entry {
  resource: StoredResource;
  /** The GET body, serialised once per write so reads cost nothing. */
  json: string;
}

/** The descriptor's fields of `input`, in descriptor order; fields the descriptor does not know are dropped. */
function orderedFields(name: ResourceName, input: Fields): Fields {
  const fields: Record<string, FieldValue> = {};
  for (const field of resourceNamed(name).fields) {
    const value = input[field.name];
    if (value !== undefined) fields[field.name] = value;
  }
  return Object.freeze(fields);
}

function toJson(resource: StoredResource): StoredResourceJson {
  return { ...resource.fields, createdAt: resource.createdAt, updatedAt: resource.updatedAt };
}

/**
 * HubSpot's calling-extension settings as a pure in-memory model: per app
 * and per resource (read from the descriptors, never named here) at most one
 * object, `createdAt` set on create and `updatedAt` changed by every
 * successful write. Operations return result values; nothing throws. The
 * server and the test client in test/helpers share it, so unit tests and
 * end-to-end tests agree on what HubSpot does.
 */
export class EmulatorStore {
  readonly #now: () => number;
  readonly #apps = new Map<number, Map<ResourceName, Entry>>();
  /** Last timestamp handed out; writes never reuse one, so `updatedAt` always changes. */
  #lastWriteMs = Number.NEGATIVE_INFINITY;

  constructor(options: EmulatorStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Number of apps holding at least one resource. */
  get size(): number {
    return this.#apps.size;
  }

  /** The app's resource, or undefined when it has none. */
  get(appId: number, resource: ResourceName): StoredResource | undefined {
    return this.#apps.get(appId)?.get(resource)?.resource;
  }

  /** The JSON text of the GET answer for {@link get}, cached per write (the fast path of GET). */
  getJson(appId: number, resource: ResourceName): string | undefined {
    return this.#apps.get(appId)?.get(resource)?.json;
  }

  /** POST: creates the resource from `fields`; `conflict` when the app already has it. Precondition: fields validated. */
  create(appId: number, resource: ResourceName, fields: Fields): StoreWriteResult {
    if (this.get(appId, resource) !== undefined) return { ok: false, error: 'conflict' };
    const stamp = this.#stamp(undefined);
    return this.#put(appId, resource, { fields: orderedFields(resource, fields), createdAt: stamp, updatedAt: stamp });
  }

  /** PATCH: changes the given fields; `not-found` when the app does not have the resource. */
  update(appId: number, resource: ResourceName, patch: Fields): StoreWriteResult {
    const current = this.get(appId, resource);
    if (current === undefined) return { ok: false, error: 'not-found' };
    return this.#put(appId, resource, {
      fields: orderedFields(resource, { ...current.fields, ...patch }),
      createdAt: current.createdAt,
      updatedAt: this.#stamp(current.updatedAt),
    });
  }

  /** DELETE: removes the resource; `not-found` when there was none, `not-deletable` when HubSpot has no DELETE for it. */
  delete(appId: number, resource: ResourceName): StoreDeleteResult {
    if (!resourceNamed(resource).deletable) return { ok: false, error: 'not-deletable' };
    const app = this.#apps.get(appId);
    if (app === undefined || !app.delete(resource)) return { ok: false, error: 'not-found' };
    if (app.size === 0) this.#apps.delete(appId);
    return { ok: true };
  }

  /** A copy of the whole state: apps in ascending appId order, resources in descriptor order. */
  snapshot(): EmulatorStateJson {
    const apps: EmulatorStateJson['apps'] = {};
    for (const appId of [...this.#apps.keys()].sort((a, b) => a - b)) {
      const app = this.#apps.get(appId);
      if (app === undefined) continue;
      const resources: Partial<Record<ResourceName, StoredResourceJson>> = {};
      for (const descriptor of RESOURCES) {
        const entry = app.get(descriptor.name);
        if (entry !== undefined) resources[descriptor.name] = toJson(entry.resource);
      }
      apps[String(appId)] = resources;
    }
    return { apps };
  }

  /**
   * Replaces the whole state. Precondition: the input was checked by
   * `parseEmulatorState` (appIds are positive int32 decimal strings, fields complete).
   */
  load(state: EmulatorStateInput): void {
    this.#apps.clear();
    for (const [key, resources] of Object.entries(state.apps)) {
      for (const descriptor of RESOURCES) {
        const input = resources[descriptor.name];
        if (input === undefined) continue;
        // A missing timestamp takes the other one, else "now".
        const fallback = input.createdAt ?? input.updatedAt ?? this.#stamp(undefined);
        const createdAt = input.createdAt ?? fallback;
        const updatedAt = input.updatedAt ?? fallback;
        this.#put(Number(key), descriptor.name, { fields: orderedFields(descriptor.name, input.fields), createdAt, updatedAt });
        // Later writes stamp after every loaded time, even one in the future.
        for (const stamp of [createdAt, updatedAt]) {
          const ms = timestampMs(stamp);
          if (Number.isFinite(ms)) this.#lastWriteMs = Math.max(this.#lastWriteMs, ms);
        }
      }
    }
  }

  /** Removes every resource of every app. */
  clear(): void {
    this.#apps.clear();
  }

  #put(appId: number, name: ResourceName, resource: StoredResource): StoreWriteResult {
    const frozen = Object.freeze({ ...resource });
    const json = JSON.stringify(toJson(frozen));
    let app = this.#apps.get(appId);
    if (app === undefined) {
      app = new Map();
      this.#apps.set(appId, app);
    }
    app.set(name, { resource: frozen, json });
    return { ok: true, resource: frozen, json };
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
