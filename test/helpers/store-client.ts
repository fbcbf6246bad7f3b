// A SettingsClient over the emulator's store, for unit tests of plan and
// apply: the same model of HubSpot the end-to-end tests run against, with
// the semantics of the real client (src/hubspot/client.ts), and no network.
import type { EmulatorStore, StoredResource } from '../../src/emulator/store.js';
import { HubSpotError, type HttpMethod } from '../../src/hubspot/errors.js';
import type { RemoteResource, ResourceTarget, SettingsClient, WriteResult } from '../../src/hubspot/types.js';
import { resourceNamed, type Fields } from '../../src/resources/index.js';

/** The SettingsClient method a call went through. */
export type StoreClientMethod = 'get' | 'create' | 'update' | 'delete';

/** One call made through the client, in call order. */
export interface StoreClientCall {
  method: StoreClientMethod;
  target: ResourceTarget;
  /** The fields sent (create) or the patch (update). */
  fields?: Fields;
  /** What happened: `wrote` true when the store changed; `failed` when the call threw. */
  outcome?: 'read' | 'wrote' | 'unchanged' | 'failed';
}

/** Which calls {@link failWhen} matches; every given property must match. */
export interface StoreClientCallMatch {
  appId?: number;
  resource?: ResourceTarget['resource'];
  method?: StoreClientMethod;
}

export interface StoreClientOptions {
  /**
   * Called before each call touches the store: return an error to make the
   * call throw it (the store is left alone), or undefined to let it through.
   * {@link failWhen} builds one.
   */
  fail?: (call: StoreClientCall) => Error | undefined;
}

/** A SettingsClient that also records its calls. */
export interface StoreClient extends SettingsClient {
  /** Every call made, in order, with its outcome. */
  readonly calls: readonly StoreClientCall[];
}

const HTTP_METHOD: Record<StoreClientMethod, HttpMethod> = { get: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' };

/** The HubSpotError the real client throws for an answer with this status and category. */
export function hubSpotError(call: Pick<StoreClientCall, 'method' | 'target'>, status: number, category: string, message?: string): HubSpotError {
  const title = resourceNamed(call.target.resource).title;
  const text = message ?? `HubSpot answered ${status} ${category} to ${HTTP_METHOD[call.method]} ${title} of app ${call.target.appId}.`;
  // As the real client: a 5xx or 429 may pass on a rerun, a 4xx refusal will not.
  const rerunnable = status >= 500 || status === 429;
  return new HubSpotError(text, { appId: call.target.appId, resource: call.target.resource, method: HTTP_METHOD[call.method], status, category, attempts: 1, rerunnable });
}

/**
 * A `fail` hook that fails the calls matching `match` with `error` (default:
 * HubSpot's 500 INTERNAL_ERROR), at most `times` times (default: always).
 */
export function failWhen(
  match: StoreClientCallMatch,
  options: { error?: (call: StoreClientCall) => Error; times?: number } = {},
): (call: StoreClientCall) => Error | undefined {
  let left = options.times ?? Number.POSITIVE_INFINITY;
  return (call) => {
    if (match.appId !== undefined && call.target.appId !== match.appId) return undefined;
    if (match.resource !== undefined && call.target.resource !== match.resource) return undefined;
    if (match.method !== undefined && call.method !== match.method) return undefined;
    if (left <= 0) return undefined;
    left -= 1;
    return options.error?.(call) ?? hubSpotError(call, 500, 'INTERNAL_ERROR');
  };
}

function remoteOf(stored: StoredResource | undefined): RemoteResource | null {
  return stored === undefined ? null : { fields: { ...stored.fields }, createdAt: stored.createdAt, updatedAt: stored.updatedAt };
}

/** The fields of `wanted` whose values differ from `current`. */
function differing(current: Fields, wanted: Fields): Fields {
  return Object.fromEntries(Object.entries(wanted).filter(([name, value]) => current[name] !== value));
}

/**
 * A SettingsClient backed by the emulator's store, with the semantics of the
 * real client over HubSpot: get → null when absent; a create that finds the
 * resource (HubSpot's 409) reads it again and patches only the differing
 * fields (`wrote` false when they already match); update of a missing
 * resource throws HubSpot's 404 as a HubSpotError; delete of a missing one
 * is done (`wrote` false). Every API version and auth share one state, as at
 * HubSpot. `options.fail` makes chosen calls throw; `calls` records them all.
 */
export function createStoreClient(store: EmulatorStore, options: StoreClientOptions = {}): StoreClient {
  const calls: StoreClientCall[] = [];

  /** Records the call, applies the fail hook, and runs `body`, recording its outcome. */
  async function run<T>(call: StoreClientCall, body: () => { value: T; outcome: NonNullable<StoreClientCall['outcome']> }): Promise<T> {
    calls.push(call);
    const injected = options.fail?.(call);
    if (injected !== undefined) {
      call.outcome = 'failed';
      throw injected;
    }
    try {
      const { value, outcome } = body();
      call.outcome = outcome;
      return value;
    } catch (error) {
      call.outcome = 'failed';
      throw error;
    }
  }

  return {
    calls,
    get(target) {
      return run({ method: 'get', target }, () => ({ value: remoteOf(store.get(target.appId, target.resource)), outcome: 'read' }));
    },
    create(target, fields) {
      const call: StoreClientCall = { method: 'create', target, fields: { ...fields } };
      return run<WriteResult>(call, () => {
        const created = store.create(target.appId, target.resource, fields);
        if (created.ok) return { value: { remote: remoteOf(created.resource), wrote: true }, outcome: 'wrote' };
        // HubSpot refused the POST (409): the real client reads again and patches what differs.
        const current = store.get(target.appId, target.resource);
        const patch = current === undefined ? fields : differing(current.fields, fields);
        if (Object.keys(patch).length === 0) return { value: { remote: remoteOf(current), wrote: false }, outcome: 'unchanged' };
        const patched = store.update(target.appId, target.resource, patch);
        if (!patched.ok) throw hubSpotError(call, 404, 'OBJECT_NOT_FOUND');
        return { value: { remote: remoteOf(patched.resource), wrote: true }, outcome: 'wrote' };
      });
    },
    update(target, patch) {
      const call: StoreClientCall = { method: 'update', target, fields: { ...patch } };
      return run<WriteResult>(call, () => {
        const updated = store.update(target.appId, target.resource, patch);
        if (!updated.ok) throw hubSpotError(call, 404, 'OBJECT_NOT_FOUND');
        return { value: { remote: remoteOf(updated.resource), wrote: true }, outcome: 'wrote' };
      });
    },
    delete(target) {
      const call: StoreClientCall = { method: 'delete', target };
      return run<WriteResult>(call, () => {
        const deleted = store.delete(target.appId, target.resource);
        if (deleted.ok) return { value: { remote: null, wrote: true }, outcome: 'wrote' };
        // HubSpot has no DELETE for it: the emulator's 405.
        if (deleted.error === 'not-deletable') throw hubSpotError(call, 405, 'VALIDATION_ERROR');
        // A 404 on DELETE means the goal is already met.
        return { value: { remote: null, wrote: false }, outcome: 'unchanged' };
      });
    },
  };
}
