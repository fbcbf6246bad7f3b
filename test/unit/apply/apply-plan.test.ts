import { describe, expect, it } from 'vitest';
import { applyPlan, patchOf } from '../../../src/apply/apply-plan.js';
import { EmulatorStore } from '../../../src/emulator/store.js';
import { UserError } from '../../../src/errors.js';
import type { ChannelConnectionClient } from '../../../src/hubspot/types.js';
import { buildPlan, isEmptyPlan } from '../../../src/plan/build-plan.js';
import type { AppConfig } from '../../../src/config/model.js';
import { app, settings } from '../../helpers/builders.js';
import { storeClient } from '../../helpers/store-client.js';

async function observe(apps: AppConfig[], client: ChannelConnectionClient) {
  return new Map(await Promise.all(apps.map(async (a) => [a.appId, await client.get(a)] as const)));
}

function seeded(): EmulatorStore {
  const store = new EmulatorStore();
  store.create(2, { url: 'https://old.example.com', isReady: false });
  store.create(3, { url: 'https://gone.example.com', isReady: true });
  store.create(4, settings());
  return store;
}

const declared = [
  app(1),
  app(2, { apiVersion: '2026-03', settings: settings({ isReady: true }) }),
  app(3, { ensure: 'absent', settings: null }),
  app(4),
];

describe('applyPlan', () => {
  it('converges: the plan after an apply is empty (the law, on the shared HubSpot model)', async () => {
    const store = seeded();
    const client = storeClient(store);
    const plan = buildPlan(declared, await observe(declared, client));
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1 });

    const outcomes = await applyPlan(plan, client, { parallelism: 2 });
    expect([...outcomes].sort((a, b) => a[0] - b[0])).toEqual([
      [1, { applied: true }],
      [2, { applied: true }],
      [3, { applied: true }],
      [4, { applied: false }],
    ]);
    expect(store.get(2)).toMatchObject({ url: 'https://calls.example.com/hubspot', isReady: true });
    expect(store.get(3)).toBeUndefined();
    expect(isEmptyPlan(buildPlan(declared, await observe(declared, client)))).toBe(true);
  });

  it('PATCHes only the changed fields', async () => {
    const store = seeded();
    const client = storeClient(store);
    const patches: unknown[] = [];
    const recording: ChannelConnectionClient = { ...client, update: (target, patch) => (patches.push(patch), client.update(target, patch)) };
    const only = [app(2, { settings: settings({ url: 'https://old.example.com', isReady: true }) })];
    await applyPlan(buildPlan(only, await observe(only, client)), recording, { parallelism: 1 });
    expect(patches).toEqual([{ isReady: true }]);
    expect(patchOf(buildPlan(only, new Map([[2, null]])).changes[0]!)).toEqual({ url: 'https://old.example.com', isReady: true });
  });

  it("reports one app's failure without stopping the others, and a re-run converges", async () => {
    const store = seeded();
    const client = storeClient(store);
    let failOnce = true;
    const flaky: ChannelConnectionClient = {
      ...client,
      create: async (target, body) => {
        if (failOnce) {
          failOnce = false;
          throw new UserError('app 1: POST settings failed: 503 (after 6 attempts)', { correlationId: 'corr-1' });
        }
        return client.create(target, body);
      },
    };
    const plan = buildPlan(declared, await observe(declared, client));
    const outcomes = await applyPlan(plan, flaky, { parallelism: 4 });
    expect(outcomes.get(1)).toEqual({ applied: false, error: { message: 'app 1: POST settings failed: 503 (after 6 attempts)', correlationId: 'corr-1' } });
    expect(outcomes.get(2)?.applied).toBe(true);
    expect(outcomes.get(3)?.applied).toBe(true);

    const again = buildPlan(declared, await observe(declared, client));
    expect(again.changes.filter((c) => c.action !== 'no-op').map((c) => c.appId)).toEqual([1]);
    await applyPlan(again, flaky, { parallelism: 4 });
    expect(isEmptyPlan(buildPlan(declared, await observe(declared, client)))).toBe(true);
  });

  it('keeps at most `parallelism` writes in flight', async () => {
    const store = new EmulatorStore();
    const base = storeClient(store);
    let inFlight = 0;
    let peak = 0;
    const slow: ChannelConnectionClient = {
      ...base,
      create: async (target, body) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return base.create(target, body);
      },
    };
    const many = Array.from({ length: 25 }, (_, i) => app(100 + i));
    const outcomes = await applyPlan(buildPlan(many, new Map(many.map((a) => [a.appId, null]))), slow, { parallelism: 3 });
    expect([...outcomes.values()].every((o) => o.applied)).toBe(true);
    expect(peak).toBe(3);
  });

  it('lets bugs surface instead of reporting them as a failed app', async () => {
    const client = storeClient(new EmulatorStore());
    const broken: ChannelConnectionClient = { ...client, create: async () => { throw new TypeError('bug'); } };
    await expect(applyPlan(buildPlan([app(1)], new Map([[1, null]])), broken, { parallelism: 1 })).rejects.toThrow(TypeError);
  });
});
