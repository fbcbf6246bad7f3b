// The config JSON Schema's part that each resource owns, built from its
// descriptor: scripts/generate.mjs writes it into
// schemas/channel-connection.schema.json, so a new resource needs no
// hand-written schema.
import { INT32_MAX, isUrlField, type FieldDescriptor } from './descriptor.js';
import type { ResourceDescriptor } from './index.js';

type Schema = Record<string, unknown>;

/** What the resources contribute to the config schema. */
export interface ResourceSchemaParts {
  /** The block of each resource, by its config key. */
  blocks: Record<string, Schema>;
  /** The top-level `ensure` of the resource whose `ensure` sits there (the channel connection). */
  ensure?: Schema;
  /** With that top-level `ensure: present`, its block is required. */
  ifThen?: { if: Schema; then: Schema };
}

export function resourceSchemaParts(resources: readonly ResourceDescriptor[]): ResourceSchemaParts {
  const parts: ResourceSchemaParts = { blocks: {} };
  for (const resource of resources) {
    const fields = Object.fromEntries(resource.fields.map((field) => [field.name, fieldSchema(field)]));
    const required = resource.fields.map((field) => field.name);
    const head = { description: resource.docs.block, type: 'object', additionalProperties: false };
    if (resource.deletable && resource.ensureAt === 'block') {
      // Absent needs no fields (the rules refuse any); present needs all of them, as HubSpot's create does.
      parts.blocks[resource.configKey] = {
        ...head,
        properties: { ensure: ensureSchema(resource), ...fields },
        if: { properties: { ensure: { const: 'absent' } }, required: ['ensure'] },
        then: {},
        else: { required },
      };
      continue;
    }
    parts.blocks[resource.configKey] = { ...head, required, properties: fields };
    if (resource.deletable) {
      if (parts.ensure !== undefined) throw new Error(`${resource.name}: only one resource can own the top-level ensure`);
      parts.ensure = ensureSchema(resource);
      parts.ifThen = { if: { properties: { ensure: { const: 'present' } }, required: ['ensure'] }, then: { required: [resource.configKey] } };
    }
  }
  return parts;
}

function ensureSchema(resource: ResourceDescriptor): Schema {
  const docs = resource.docs.ensure;
  if (docs === undefined) throw new Error(`${resource.name} is deletable but documents no ensure`);
  return { description: docs.summary, enum: ['present', 'absent'], enumDescriptions: [docs.present, docs.absent], default: 'present' };
}

/** The field's JSON type and the part of its rule a schema can say. */
function fieldSchema(field: FieldDescriptor): Schema {
  const schema: Schema = { description: field.description, type: field.type };
  if (field.rule === 'non-empty' || isUrlField(field)) schema.minLength = 1;
  if (field.rule === 'positive-integer') Object.assign(schema, { minimum: 1, maximum: INT32_MAX });
  return schema;
}
