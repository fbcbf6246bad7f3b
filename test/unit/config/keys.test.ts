import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHONE_NUMBER_KEYS, SETTINGS_KEYS, TOP_LEVEL_KEYS } from '../../../src/config/keys.js';

interface ObjectSchema {
  properties: Record<string, { properties?: Record<string, unknown>; items?: { properties: Record<string, unknown> } }>;
}

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../schemas/channel-connection.schema.json'), 'utf8'),
) as ObjectSchema;

describe('known keys', () => {
  it('match the properties the schema allows at each level', () => {
    expect([...TOP_LEVEL_KEYS].sort()).toEqual(Object.keys(schema.properties).sort());
    expect([...SETTINGS_KEYS].sort()).toEqual(Object.keys(schema.properties.settings?.properties ?? {}).sort());
    expect([...PHONE_NUMBER_KEYS].sort()).toEqual(Object.keys(schema.properties.phoneNumbers?.items?.properties ?? {}).sort());
  });
});
