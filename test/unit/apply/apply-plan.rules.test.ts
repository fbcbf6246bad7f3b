// Rules of applying a plan, against the emulator's model of HubSpot
// (test/helpers/store-client.ts): order, failures, interrupts, re-reads and
// writers that got there first.
import { describe, expect, it } from 'vitest';
import { applyPlan, differsFromPlanned, holdsPlannedResult, patchOf, targetOf, writeOrder } from '../../../src/apply/apply-plan.js';
import type { AppConfig } from '../../../src/config/model.js';
import { EmulatorStore } from '../../../src/emulator/store.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { RemoteResource, SettingsClient } from '../../../src/hubspot/types.js';
import { UserError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { changeKey, NOT_ATTEMPTED_INTERRUPTED, type Change, type ChangeKey, type ChangeOutcome, type Plan } from '../../../src/plan/model.js';
import type { Fields, ResourceName } from '../../../src/resources/index.js';
import { createStoreClient, failWhen, hubSpotError, type StoreClientOptions } from '../../helpers/store-client.js';
import { absent, app, calling, present, recording, remote, settings } from '../../helpers/builders.js';

const VERB = { get: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' } as const;
const key = (appId: number, resource: ResourceName = 'channel-connection'): ChangeKey => changeKey({ appId, resource });

/** The emulator's store behind the real client's semantics; `calls()` reads as `POST 1/calling-settings`. */
function world(seed: [ChangeKey, Fields][] = [], fail?: StoreClientOptions['fail']) {
  const store = new EmulatorStore();
  for (const [k, fields] of seed) {
    const [appId, resource] = k.split('/') as [string, ResourceName];
    store.create(Number(appId), resource, fields);
  }
  const client = createStoreClient(store, fail === undefined ? {} : { fail });
  let seen = 0;
  const sent = () => client.calls.slice(seen);
  const calls = () => sent().map((call) => `${VERB[call.method]} ${changeKey(call.target)}`);
  const clear = () => {
    seen = client.calls.length;
  };
  return { store, client, calls, sent, clear };
}

async function observe(apps: AppConfig[], client: SettingsClient): Promise<Map<ChangeKey, RemoteResource | null>> {
  const entries: [ChangeKey, RemoteResource | null][] = [];
  for (const a of apps) {
    for (const resource of Object.keys(a.resources) as ResourceName[]) {
      entries.push([key(a.appId, resource), await client.get({ appId: a.appId, apiVersion: a.apiVersion, auth: a.auth, resource })]);
    }
  }
  return new Map(entries);
}

/** Plans `apps` against the world as it is now, then forgets the reads. */
async function planFor(apps: AppConfig[], w: ReturnType<typeof world>): Promise<Plan> {
  const plan = buildPlan(apps, await observe(apps, w.client));
  w.clear();
  return plan;
}

const all = (appId: number, overrides: Partial<AppConfig['resources']> = {}) =>
  app(appId, {
    resources: { 'calling-settings': present(calling()), 'recording-settings': present(recording()), 'channel-connection': present(settings()), ...overrides },
  });

describe('another writer got there first', () => {
  it('a POST answered 409 whose re-read already matches is applied: false, "already as planned"', async () => {
    const w = world();
    const plan = await planFor([app(1)], w);
    w.store.create(1, 'channel-connection', settings());
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1 });
    expect(outcomes.get(key(1))).toEqual({ applied: false, note: 'already as planned' });
    expect(w.client.calls.at(-1)?.outcome).toBe('unchanged');
  });

  it('a POST answered 409 whose re-read differs patches, and that is a write', async () => {
    const w = world();
    const plan = await planFor([app(1)], w);
    w.store.create(1, 'channel-connection', settings({ isReady: false }));
    expect((await applyPlan(plan, w.client, { parallelism: 1 })).get(key(1))).toEqual({ applied: true });
    expect(w.store.get(1, 'channel-connection')?.fields).toEqual(settings());
  });

  it('a DELETE of what is already gone is applied: false, "already as planned"', async () => {
    const w = world([[key(1), settings()]]);
    const plan = await planFor([app(1, { resources: { 'channel-connection': absent } })], w);
    w.store.delete(1, 'channel-connection');
    expect((await applyPlan(plan, w.client, { parallelism: 1 })).get(key(1))).toEqual({ applied: false, note: 'already as planned' });
  });

  it('with re-reads on, a result that already holds is not written again', async () => {
    const w = world([[key(1), settings({ isReady: false })]]);
    const plan = await planFor([app(1)], w);
    w.store.update(1, 'channel-connection', { isReady: true });
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, checkCurrent: differsFromPlanned });
    expect(outcomes.get(key(1))).toEqual({ applied: false, note: 'already as planned' });
    expect(w.calls()).toEqual(['GET 1/channel-connection']);
  });

  it('with re-reads on, a resource that moved elsewhere is not applied, says why, and is not written', async () => {
    const w = world([[key(1), settings({ isReady: false })]]);
    const plan = await planFor([app(1)], w);
    w.store.update(1, 'channel-connection', { url: 'https://other.example/hook' });
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, checkCurrent: differsFromPlanned });
    expect(outcomes.get(key(1))).toEqual({ applied: false, error: { message: 'not applied: url changed since the plan was made', rerunnable: true } });
    expect(w.calls()).toEqual(['GET 1/channel-connection']);
    expect(w.store.get(1, 'channel-connection')?.fields.url).toBe('https://other.example/hook');
  });

  it('with re-reads on, an unchanged resource is read, then written', async () => {
    const w = world([[key(1), settings({ isReady: false })]]);
    const plan = await planFor([app(1)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, checkCurrent: differsFromPlanned });
    expect(outcomes.get(key(1))).toEqual({ applied: true });
    expect(w.calls()).toEqual(['GET 1/channel-connection', 'PATCH 1/channel-connection']);
  });
});

describe('what differs from the plan', () => {
  const change = (before: Fields | null, after: Fields | null): Change => {
    const observed = new Map([[key(1), before === null ? null : remote(before)]]);
    const plan = buildPlan([app(1, { resources: { 'channel-connection': after === null ? absent : present(after) } })], observed);
    const [only] = plan.changes;
    if (only === undefined) throw new Error('no change');
    return only;
  };

  it('nothing, when presence and every managed field are as planned (timestamps and extras aside)', () => {
    expect(differsFromPlanned(change(settings(), null), remote(settings(), { updatedAt: 'later' }))).toBeUndefined();
    expect(differsFromPlanned(change(null, settings()), null)).toBeUndefined();
    expect(differsFromPlanned(change(settings(), null), { fields: { ...settings(), extra: 1 } } as RemoteResource)).toBeUndefined();
  });

  it('a resource created, or deleted, since the plan was made', () => {
    expect(differsFromPlanned(change(null, settings()), remote())).toBe('it was created since the plan was made');
    expect(differsFromPlanned(change(settings(), null), null)).toBe('it was deleted since the plan was made');
  });

  it('names every managed field that moved, in descriptor order', () => {
    expect(differsFromPlanned(change(settings({ isReady: false }), settings()), remote(settings({ isReady: true, url: 'https://x.example/y' })))).toBe(
      'url, isReady changed since the plan was made',
    );
    expect(differsFromPlanned(change(settings(), settings({ isReady: false })), remote(settings({ isReady: false })))).toBe('isReady changed since the plan was made');
  });
});

describe('what holds the planned result', () => {
  const observed = new Map<ChangeKey, RemoteResource | null>([
    [key(1), remote(settings({ isReady: false }))],
    [key(2), remote()],
    [key(3), null],
  ]);
  const plan = buildPlan([app(1), app(2, { resources: { 'channel-connection': absent } }), app(3)], observed);
  const [update, remove, create] = plan.changes as [Change, Change, Change];

  it('a delete holds once the resource is absent, and only then', () => {
    expect(holdsPlannedResult(remove, null)).toBe(true);
    expect(holdsPlannedResult(remove, remote())).toBe(false);
  });

  it('a create or update holds when every planned field has its value, whatever else the server keeps', () => {
    expect(holdsPlannedResult(update, remote(settings(), { updatedAt: 'x' }))).toBe(true);
    expect(holdsPlannedResult(create, { fields: { ...settings(), extra: 'server' } } as RemoteResource)).toBe(true);
    expect(holdsPlannedResult(update, remote(settings({ isReady: false })))).toBe(false);
    expect(holdsPlannedResult(create, remote(settings({ url: 'https://x.example/y' })))).toBe(false);
    expect(holdsPlannedResult(create, null)).toBe(false);
  });

  it('a no-op holds while the resource stays as the plan found it: absent, or with the same fields', () => {
    const left = buildPlan([app(4, { resources: { 'channel-connection': absent } }), app(5)], new Map([[key(4), null], [key(5), remote()]]));
    const [absentNoop, presentNoop] = left.changes as [Change, Change];
    expect([absentNoop.action, presentNoop.action]).toEqual(['no-op', 'no-op']);
    expect(holdsPlannedResult(absentNoop, null)).toBe(true);
    expect(holdsPlannedResult(absentNoop, remote())).toBe(false);
    expect(holdsPlannedResult(presentNoop, remote(settings(), { updatedAt: 'x' }))).toBe(true);
    expect(holdsPlannedResult(presentNoop, remote(settings({ isReady: false })))).toBe(false);
    expect(holdsPlannedResult(presentNoop, null)).toBe(false);
  });
});

describe('order', () => {
  it('within an app: creates in resource order (calling settings first), then deletes in reverse (channel connection first)', async () => {
    const w = world([
      [key(1, 'calling-settings'), calling()],
      [key(1), settings()],
    ]);
    const plan = await planFor([app(1, { resources: { 'calling-settings': absent, 'channel-connection': absent, 'recording-settings': present(recording()) } })], w);
    await applyPlan(plan, w.client, { parallelism: 1 });
    expect(w.calls()).toEqual(['POST 1/recording-settings', 'DELETE 1/channel-connection', 'DELETE 1/calling-settings']);
  });

  it('updates keep resource order too', async () => {
    const w = world([
      [key(1, 'calling-settings'), calling({ width: 1 })],
      [key(1, 'recording-settings'), recording('https://api.acme.example/old/%s')],
      [key(1), settings({ isReady: false })],
    ]);
    const plan = await planFor([all(1)], w);
    await applyPlan(plan, w.client, { parallelism: 1 });
    expect(w.calls()).toEqual(['PATCH 1/calling-settings', 'PATCH 1/recording-settings', 'PATCH 1/channel-connection']);
  });

  it('writeOrder leaves no-ops out and keeps every write', () => {
    const plan = buildPlan([all(1)], new Map([
      [key(1, 'calling-settings'), remote(calling())],
      [key(1, 'recording-settings'), null],
      [key(1), remote(settings({ isReady: false }))],
    ]));
    expect(writeOrder(plan.changes).map((c) => `${c.action} ${c.resource}`)).toEqual(['create recording-settings', 'update channel-connection']);
    expect(writeOrder([...plan.changes].reverse()).map((c) => c.resource)).toEqual(['recording-settings', 'channel-connection']);
  });

  it('the PATCH carries exactly the changed fields with their planned values; none without planned values', async () => {
    const w = world([[key(1, 'calling-settings'), calling()]]);
    const plan = await planFor([app(1, { resources: { 'calling-settings': present(calling({ width: 10, usesRemote: false })) } })], w);
    await applyPlan(plan, w.client, { parallelism: 1 });
    expect(w.sent().map((c) => [c.method, c.fields])).toEqual([['update', { width: 10, usesRemote: false }]]);
    const [change] = plan.changes as [Change];
    expect(patchOf({ ...change, after: null })).toEqual({});
    expect(patchOf({ ...change, changedFields: ['width', 'notAField'] })).toEqual({ width: 10 });
  });

  it('the target of a change is its app, resource, API version and auth', () => {
    const plan = buildPlan([app(5, { apiVersion: '2026-03' })], new Map([[key(5), null]]));
    const [change] = plan.changes as [Change];
    expect(targetOf(change)).toEqual({ appId: 5, resource: 'channel-connection', apiVersion: '2026-03', auth: change.auth });
  });
});

describe('failures', () => {
  it('an app stops at its first failure: the rest are not attempted, naming what failed; other apps go on', async () => {
    const w = world([], failWhen({ appId: 1, resource: 'recording-settings', method: 'create' }));
    const plan = await planFor([all(1), all(2)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1 });
    expect(outcomes.get(key(1, 'calling-settings'))).toEqual({ applied: true });
    expect(outcomes.get(key(1, 'recording-settings'))?.applied).toBe(false);
    expect(outcomes.get(key(1))).toEqual({ applied: false, attempted: false, error: { message: 'not attempted: its recording settings failed first', rerunnable: true } });
    expect(w.calls().filter((c) => c.startsWith('POST 1/'))).toEqual(['POST 1/calling-settings', 'POST 1/recording-settings']);
    expect([...outcomes.entries()].filter(([k]) => k.startsWith('2/')).map(([, o]) => o)).toEqual([{ applied: true }, { applied: true }, { applied: true }]);
  });

  it("the error keeps HubSpot's message without the app prefix, its correlationId and whether a rerun may help", async () => {
    const error = (message: string, rerunnable: boolean, correlationId?: string) =>
      new HubSpotError(message, { appId: 1, resource: 'channel-connection', method: 'POST', status: 500, attempts: 6, rerunnable, ...(correlationId === undefined ? {} : { correlationId }) });
    const cases: [Error, ChangeOutcome][] = [
      [error('app 1: POST channel connection failed', true, 'c-1'), { applied: false, error: { message: 'POST channel connection failed', rerunnable: true, correlationId: 'c-1' } }],
      [error('app 1: refused', false), { applied: false, error: { message: 'refused', rerunnable: false } }],
      [error('app 12: other app prefix', false), { applied: false, error: { message: 'app 12: other app prefix', rerunnable: false } }],
      [new UserError('a user error with no flag'), { applied: false, error: { message: 'a user error with no flag', rerunnable: false } }],
    ];
    for (const [thrown, expected] of cases) {
      const w = world([], () => thrown);
      const plan = buildPlan([app(1)], new Map([[key(1), null]]));
      expect((await applyPlan(plan, w.client, { parallelism: 1 })).get(key(1)), thrown.message).toEqual(expected);
    }
  });

  it('a re-read that fails is the change’s failure, and nothing is written', async () => {
    const w = world([], failWhen({ method: 'get' }, { error: (call) => hubSpotError(call, 503, 'SERVICE_UNAVAILABLE', 'app 1: GET failed') }));
    const plan = buildPlan([app(1)], new Map([[key(1), null]]));
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, checkCurrent: differsFromPlanned });
    expect(outcomes.get(key(1))).toEqual({ applied: false, error: { message: 'GET failed', rerunnable: true } });
    expect(w.calls()).toEqual(['GET 1/channel-connection']);
  });

  it('a bug (not a user error) is thrown, not reported as a failed change', async () => {
    const w = world([], () => new RangeError('bug'));
    const plan = buildPlan([app(1)], new Map([[key(1), null]]));
    await expect(applyPlan(plan, w.client, { parallelism: 1 })).rejects.toThrow(RangeError);
  });

  it('a create without values, or a delete of what cannot be deleted, is a bug and sends nothing', async () => {
    const w = world();
    const plan = buildPlan([app(1)], new Map([[key(1), null]]));
    const [create] = plan.changes as [Change];
    await expect(applyPlan({ ...plan, changes: [{ ...create, after: null }] }, w.client, { parallelism: 1 })).rejects.toThrow(/create without fields for 1\/channel-connection/);
    const removal: Change = { ...create, resource: 'recording-settings', action: 'delete', before: recording(), after: null };
    await expect(applyPlan({ ...plan, changes: [removal] }, w.client, { parallelism: 1 })).rejects.toThrow(/recording-settings cannot be deleted/);
    expect(w.calls()).toEqual([]);
  });
});

describe('interrupts and progress', () => {
  /** Apply options whose signal arrives while the first re-read is in flight (after mayStart let that change begin). */
  const signalDuringFirstReread = () => {
    let stopping = false;
    return {
      mayStart: () => !stopping,
      checkCurrent: (change: Change, current: RemoteResource | null) => {
        stopping = true;
        return differsFromPlanned(change, current);
      },
    };
  };

  it('once stopping, no write starts: every remaining change is "interrupted: not attempted", rerunnable', async () => {
    const w = world();
    const plan = await planFor([all(1), all(2)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, mayStart: () => false });
    expect(w.calls()).toEqual([]);
    expect(outcomes.size).toBe(6);
    for (const outcome of outcomes.values()) expect(outcome).toEqual({ applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } });
    expect(NOT_ATTEMPTED_INTERRUPTED).toBe('interrupted: not attempted');
  });

  it('a signal during the re-read before a write stops that write: "interrupted: not attempted"', async () => {
    const w = world();
    const plan = await planFor([app(1)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, ...signalDuringFirstReread() });
    expect(w.calls()).toEqual(['GET 1/channel-connection']);
    expect(outcomes.get(key(1))).toEqual({ applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } });
    expect(w.store.get(1, 'channel-connection')).toBeUndefined();
  });

  it("a signal during an app's first re-read: its later changes are interrupted too, not blocked by the first", async () => {
    const w = world();
    const plan = await planFor([all(1)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, ...signalDuringFirstReread() });
    expect(w.calls()).toEqual(['GET 1/calling-settings']);
    for (const resource of ['calling-settings', 'recording-settings', 'channel-connection'] as const) {
      expect(outcomes.get(key(1, resource))).toEqual({ applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } });
    }
  });

  it('a write the client did not send because the signal came while it waited for the rate limit: "interrupted: not attempted"', async () => {
    let stopping = false;
    const w = world(
      [],
      failWhen(
        { method: 'create' },
        {
          error: (call) => {
            stopping = true;
            return new HubSpotError('app 1: POST channel connection not attempted: the run was interrupted', {
              appId: 1,
              resource: call.target.resource,
              method: 'POST',
              attempts: 0,
              rerunnable: true,
              notAttempted: 'the run was interrupted',
            });
          },
        },
      ),
    );
    const plan = await planFor([app(1)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1, mayStart: () => !stopping });
    expect(outcomes.get(key(1))).toEqual({ applied: false, attempted: false, error: { message: NOT_ATTEMPTED_INTERRUPTED, rerunnable: true } });
  });

  it("a failed write keeps the client's hint (a 403's missing scope) in its outcome", async () => {
    const hint = 'The access token in HUBSPOT_ACCESS_TOKEN needs scope developers-write (reads need developers-read) and must be allowed to manage app 1.';
    const w = world(
      [],
      failWhen(
        { method: 'create' },
        {
          error: (call) =>
            new HubSpotError('app 1: POST channel connection failed: 403 MISSING_SCOPES', { appId: 1, resource: call.target.resource, method: 'POST', status: 403, attempts: 1, rerunnable: false, hint }),
        },
      ),
    );
    const plan = await planFor([app(1)], w);
    const outcomes = await applyPlan(plan, w.client, { parallelism: 1 });
    expect(outcomes.get(key(1))).toEqual({ applied: false, error: { message: 'POST channel connection failed: 403 MISSING_SCOPES', rerunnable: false, hint } });
  });

  it('settles every change, those skipped after a failure too, so a progress count reaches its total', async () => {
    const w = world([], failWhen({ method: 'create', resource: 'calling-settings' }));
    const plan = await planFor([all(1)], w);
    let settled = 0;
    await applyPlan(plan, w.client, { parallelism: 1, onSettled: () => (settled += 1) });
    expect(plan.changes.filter((change) => change.action !== 'no-op')).toHaveLength(3);
    expect(settled).toBe(3);
  });

  it('reports each write as it starts and each outcome as it is known, in order; no-ops get an outcome without a write', async () => {
    const w = world([[key(1, 'calling-settings'), calling()]]);
    const plan = await planFor([all(1)], w);
    const events: string[] = [];
    const outcomes = await applyPlan(plan, w.client, {
      parallelism: 1,
      onStart: (change) => events.push(`start ${change.resource}`),
      onOutcome: (change, outcome) => events.push(`outcome ${change.resource} ${outcome.applied}`),
      onSettled: () => events.push('settled'),
    });
    expect(events).toEqual([
      'start recording-settings',
      'outcome recording-settings true',
      'settled',
      'start channel-connection',
      'outcome channel-connection true',
      'settled',
    ]);
    expect(outcomes.get(key(1, 'calling-settings'))).toEqual({ applied: false });
    expect(w.calls()).toEqual(['POST 1/recording-settings', 'POST 1/channel-connection']);
  });

  it('a change that ends at its re-read never starts: only a write about to be sent does', async () => {
    const w = world();
    const plan = await planFor([app(1), app(2)], w);
    w.store.create(1, 'channel-connection', settings());
    w.store.create(2, 'channel-connection', settings({ isReady: false }));
    const events: string[] = [];
    await applyPlan(plan, w.client, { parallelism: 1, checkCurrent: differsFromPlanned, onStart: (change) => events.push(`start ${change.appId}`) });
    expect(events).toEqual([]);
    expect(w.calls()).toEqual(['GET 1/channel-connection', 'GET 2/channel-connection']);
  });

  it('changes not attempted after a failure are reported too, without starting', async () => {
    const w = world([], failWhen({ resource: 'calling-settings', method: 'create' }));
    const plan = await planFor([all(1)], w);
    const events: string[] = [];
    await applyPlan(plan, w.client, {
      parallelism: 1,
      onStart: (change) => events.push(`start ${change.resource}`),
      onOutcome: (change, outcome) => events.push(`outcome ${change.resource} ${outcome.error?.message ?? 'ok'}`),
    });
    expect(events).toEqual([
      'start calling-settings',
      expect.stringMatching(/^outcome calling-settings /),
      'outcome recording-settings not attempted: its calling settings failed first',
      'outcome channel-connection not attempted: its calling settings failed first',
    ]);
  });
});
