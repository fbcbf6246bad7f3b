// The config schema's resource parts come from the descriptors
// (scripts/generate.mjs writes them), so a new resource needs no
// hand-written schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { resourceSchemaParts } from '../../../src/resources/config-schema.js';
import { RESOURCES, type ResourceDescriptor } from '../../../src/resources/index.js';

const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '../../../schemas/channel-connection.schema.json'), 'utf8'));

/** The shipped schema with the parts of `resources` written in, as generate.mjs does. */
function schemaFor(resources: readonly ResourceDescriptor[]) {
  const parts = resourceSchemaParts(resources);
  const schema = structuredClone(shipped);
  Object.assign(schema.properties, parts.blocks, parts.ensure === undefined ? {} : { ensure: parts.ensure });
  return Object.assign(schema, parts.ifThen);
}

const validatorFor = (resources: readonly ResourceDescriptor[]) => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addVocabulary(['enumDescriptions', 'markdownDescription']);
  return ajv.compile(schemaFor(resources));
};

// A fourth resource, as a new file would declare it.
const voicemail: ResourceDescriptor = {
  name: 'voicemail-settings' as ResourceDescriptor['name'],
  title: 'voicemail settings',
  pathSegment: 'settings/voicemail',
  configKey: 'voicemail' as ResourceDescriptor['configKey'],
  fields: [
    { name: 'greetingUrl', type: 'string', rule: 'webhook-url', description: 'Where the greeting is.', example: 'https://vm.example.com/greeting' },
    { name: 'maxSeconds', type: 'integer', rule: 'positive-integer', description: 'Longest message.', example: 60 },
  ],
  deletable: true,
  ensureAt: 'block',
  docs: { block: 'Voicemail.', ensure: { summary: 'present or absent', present: 'exists', absent: 'deleted' } },
  impactsOf: () => [],
  driftImpactsOf: () => [],
};

describe('the config schema and the resource descriptors', () => {
  it('the shipped schema holds exactly what the descriptors give (run npm run build after changing one)', () => {
    const parts = resourceSchemaParts(RESOURCES);
    for (const [key, block] of Object.entries(parts.blocks)) expect(shipped.properties[key], key).toEqual(block);
    expect(shipped.properties.ensure).toEqual(parts.ensure);
    expect({ if: shipped.if, then: shipped.then }).toEqual(parts.ifThen);
  });

  it('a fourth resource gets its block: every field required when present, none when absent, its rules as far as a schema can say', () => {
    const validate = validatorFor([...RESOURCES, voicemail]);
    const doc = (voicemailBlock: unknown) => ({ appId: 1, voicemail: voicemailBlock });
    expect(validate(doc({ greetingUrl: 'https://vm.example.com/g', maxSeconds: 60 }))).toBe(true);
    expect(validate(doc({ ensure: 'absent' }))).toBe(true);
    expect(validate(doc({ greetingUrl: 'https://vm.example.com/g' }))).toBe(false);
    expect(validate.errors?.map((error) => error.params)).toContainEqual({ missingProperty: 'maxSeconds' });
    expect(validate(doc({ greetingUrl: 'https://vm.example.com/g', maxSeconds: 0 }))).toBe(false);
    expect(validate(doc({ greetingUrl: 'https://vm.example.com/g', maxSeconds: 60, extra: true }))).toBe(false);
    // Without it, the same document is refused: the block is the descriptor's doing.
    expect(validatorFor(RESOURCES)(doc({ greetingUrl: 'https://vm.example.com/g', maxSeconds: 60 }))).toBe(false);
  });

  it('the channel connection owns the top-level ensure: ensure: present needs its settings block', () => {
    const validate = validatorFor(RESOURCES);
    expect(validate({ appId: 1, ensure: 'present' })).toBe(false);
    expect(validate({ appId: 1, ensure: 'absent' })).toBe(true);
    expect(() => resourceSchemaParts([...RESOURCES, { ...voicemail, ensureAt: 'top-level' }])).toThrow(/only one resource can own the top-level ensure/);
  });
});
