import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYS_BY_LEVEL, levelOf, scalarTypeAt } from '../../../src/config/keys.js';
import { API_VERSIONS, AUTH_MODES } from '../../../src/config/model.js';
import { RESOURCES } from '../../../src/resources/index.js';

interface PropertySchema {
  type?: string;
  enum?: string[];
  $ref?: string;
  properties?: Record<string, PropertySchema>;
  items?: PropertySchema;
  additionalProperties?: PropertySchema | boolean;
}

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../schemas/channel-connection.schema.json'), 'utf8'),
) as PropertySchema & { definitions: Record<string, PropertySchema> };

/** Follows a local `$ref` (`#/definitions/x`). */
const deref = (node: PropertySchema | undefined): PropertySchema | undefined =>
  node?.$ref === undefined ? node : deref(schema.definitions[node.$ref.replace('#/definitions/', '')]);
const keysOf = (node: PropertySchema | undefined): string[] => Object.keys(deref(node)?.properties ?? {}).sort();
const top = schema.properties ?? {};
const phoneNumber = deref(deref(top.phoneNumbers)?.items);
const portal = deref(top.portals?.additionalProperties as PropertySchema);
const user = deref(deref(portal?.properties?.users)?.additionalProperties as PropertySchema);

describe('known keys', () => {
  it('match the properties the schema allows at each level', () => {
    expect([...KEYS_BY_LEVEL.top].sort()).toEqual(keysOf(schema));
    expect([...KEYS_BY_LEVEL.settings].sort()).toEqual(keysOf(top.settings));
    expect([...KEYS_BY_LEVEL.calling].sort()).toEqual(keysOf(top.calling));
    expect([...KEYS_BY_LEVEL.recording].sort()).toEqual(keysOf(top.recording));
    expect([...KEYS_BY_LEVEL.phoneNumber].sort()).toEqual(keysOf(phoneNumber));
    expect([...KEYS_BY_LEVEL.portal].sort()).toEqual(keysOf(portal));
    expect([...KEYS_BY_LEVEL.user].sort()).toEqual(keysOf(user));
  });

  it('find the level of every mapping path', () => {
    expect(levelOf([])).toBe('top');
    expect(levelOf(['calling'])).toBe('calling');
    expect(levelOf(['phoneNumbers', 3])).toBe('phoneNumber');
    expect(levelOf(['portals', '42'])).toBe('portal');
    expect(levelOf(['portals', '42', 'users', '7'])).toBe('user');
    expect(levelOf(['portals', '42', 'users', '7', 'phoneNumbers', 0])).toBe('phoneNumber');
  });
});

describe('the schema and the resource descriptors', () => {
  it.each(RESOURCES.map((resource) => [resource.name, resource] as const))(
    '%s: the block holds exactly the descriptor’s fields with their JSON types',
    (_name, resource) => {
      const block = deref(top[resource.configKey]);
      const properties = { ...(block?.properties ?? {}) };
      // The deletable resources' blocks (not `settings`: its ensure is top-level) add `ensure`.
      if (resource.configKey !== 'settings' && resource.deletable) {
        expect(properties.ensure?.enum).toEqual(['present', 'absent']);
        delete properties.ensure;
      }
      expect(Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, p.type]))).toEqual(
        Object.fromEntries(resource.fields.map((field) => [field.name, field.type])),
      );
    },
  );

  it('a non-deletable resource offers no ensure', () => {
    for (const resource of RESOURCES.filter((r) => !r.deletable)) {
      expect(deref(top[resource.configKey])?.properties?.ensure).toBeUndefined();
    }
  });

  it('lists every API version and auth mode of the model (scripts/generate.mjs writes the versions from the table)', () => {
    expect(top.apiVersion?.enum).toEqual([...API_VERSIONS]);
    expect(top.apiVersion?.enum).toHaveLength((top.apiVersion as { enumDescriptions?: string[] }).enumDescriptions?.length ?? 0);
    expect(top.auth?.enum).toEqual([...AUTH_MODES]);
    const saved = JSON.parse(readFileSync(join(import.meta.dirname, '../../../schemas/saved-plan.schema.json'), 'utf8'));
    expect(saved.properties.changes.items.properties.apiVersion.enum).toEqual([...API_VERSIONS]);
    // And the resources, from their descriptors.
    const names = RESOURCES.map((resource) => resource.name);
    expect(saved.properties.changes.items.properties.resource.enum).toEqual(names);
    expect(saved.properties.savedPlan.properties.observed.propertyNames.pattern).toBe(`^[1-9][0-9]*/(${names.join('|')})$`);
  });

  it('types whole-scalar expansions as the schema does', () => {
    expect(scalarTypeAt(['appId'])).toBe('integer');
    expect(scalarTypeAt(['calling', 'width'])).toBe('integer');
    expect(scalarTypeAt(['settings', 'isReady'])).toBe('boolean');
    expect(scalarTypeAt(['calling', 'usesRemote'])).toBe('boolean');
    expect(scalarTypeAt(['settings', 'url'])).toBe('string');
    expect(scalarTypeAt(['phoneNumbers', 0, 'friendlyName'])).toBe('string');
    expect(scalarTypeAt(['portals', '1', 'phoneNumbers', 0, 'e164PhoneNumber'])).toBe('string');
  });
});
