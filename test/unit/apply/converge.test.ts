// The law the whole product rests on: apply, then plan, is empty — for any
// declaration and any remote state, whatever timestamps and extra fields
// HubSpot adds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan, differsFromPlanned } from '../../../src/apply/apply-plan.js';
import type { AppConfig, DesiredResource } from '../../../src/config/model.js';
import { EmulatorStore } from '../../../src/emulator/store.js';
import type { RemoteResource, SettingsClient } from '../../../src/hubspot/types.js';
import { buildPlan, isEmptyPlan } from '../../../src/plan/build-plan.js';
import { changeKey, type ChangeKey } from '../../../src/plan/model.js';
import { RESOURCES, type Fields, type ResourceDescriptor } from '../../../src/resources/index.js';
import { app } from '../../helpers/builders.js';
import { createStoreClient } from '../../helpers/store-client.js';

const url = fc.constantFrom('https://a.example/x', 'https://b.example/y', 'http://127.0.0.1:8080/z');
const recordingUrl = fc.constantFrom('https://r.example/%s', 'https://s.example/rec/%s');

function fieldsOf(resource: ResourceDescriptor): fc.Arbitrary<Fields> {
  const parts = resource.fields.map((field) => {
    if (field.type === 'boolean') return fc.boolean();
    if (field.type === 'integer') return fc.integer({ min: 1, max: 2000 });
    if (field.rule === 'recording-url') return recordingUrl;
    if (field.rule === 'webhook-url') return url;
    return fc.constantFrom('Acme', 'Dialer ☎', 'x');
  });
  return fc.tuple(...parts).map((values) => Object.fromEntries(resource.fields.map((field, i) => [field.name, values[i]])) as Fields);
}

function desiredOf(resource: ResourceDescriptor): fc.Arbitrary<DesiredResource | undefined> {
  const options: fc.Arbitrary<DesiredResource | undefined>[] = [fc.constant(undefined), fieldsOf(resource).map((fields) => ({ ensure: 'present' as const, fields }))];
  if (resource.deletable) options.push(fc.constant({ ensure: 'absent' as const }));
  return fc.oneof(...options);
}

const appArbitrary = fc.record({
  appId: fc.integer({ min: 1, max: 6 }),
  resources: fc.tuple(...RESOURCES.map(desiredOf)),
  remote: fc.tuple(...RESOURCES.map((resource) => fc.option(fieldsOf(resource), { nil: undefined }))),
  timestamp: fc.constantFrom('2023-11-07T05:31:56Z', '2024-04-30 12:01'),
});

/** HubSpot adds timestamps and fields of its own; none of them may ever cause a diff. */
function withServerExtras(client: SettingsClient, timestamp: string): SettingsClient {
  const decorate = (remote: RemoteResource | null): RemoteResource | null =>
    remote === null ? null : { fields: { ...remote.fields, portalCount: 3, createdBy: 'hubspot' }, createdAt: timestamp, updatedAt: timestamp };
  return { ...client, get: async (target) => decorate(await client.get(target)) };
}

describe('apply, then plan, is empty', () => {
  it('for random declarations and random remote states', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(appArbitrary, { selector: (a) => a.appId, maxLength: 4 }), async (declared) => {
        const store = new EmulatorStore();
        const apps: AppConfig[] = [];
        for (const entry of declared) {
          const resources: AppConfig['resources'] = {};
          RESOURCES.forEach((resource, i) => {
            const desired = entry.resources[i];
            if (desired !== undefined) resources[resource.name] = desired;
            const seeded = entry.remote[i];
            if (seeded !== undefined) store.create(entry.appId, resource.name, seeded);
          });
          if (Object.keys(resources).length > 0) apps.push(app(entry.appId, { resources }));
        }
        const client = withServerExtras(createStoreClient(store), declared[0]?.timestamp ?? '2024-04-30 12:01');
        const observe = async () => {
          const observed = new Map<ChangeKey, RemoteResource | null>();
          for (const a of apps) {
            for (const resource of RESOURCES) {
              if (a.resources[resource.name] === undefined) continue;
              const target = { appId: a.appId, apiVersion: a.apiVersion, auth: a.auth, resource: resource.name };
              observed.set(changeKey(target), await client.get(target));
            }
          }
          return observed;
        };
        const plan = buildPlan(apps, await observe());
        const outcomes = await applyPlan(plan, client, { parallelism: 2, checkCurrent: differsFromPlanned });
        expect([...outcomes.values()].filter((o) => o.error !== undefined)).toEqual([]);
        const after = buildPlan(apps, await observe());
        expect(isEmptyPlan(after), JSON.stringify(after.changes.filter((c) => c.action !== 'no-op'))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
