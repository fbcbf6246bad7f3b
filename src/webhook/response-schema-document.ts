// The webhook response JSON Schema as an object, for the library entry.
// Read from the shipped schemas/ file (one source of truth); this module is
// not part of the CLI bundle, whose layout puts schemas/ elsewhere.
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** schemas/webhook-response.schema.json (JSON Schema draft-07), frozen. */
export const webhookResponseSchema: { readonly [key: string]: Json } = deepFreeze(
  JSON.parse(readFileSync(new URL('../../schemas/webhook-response.schema.json', import.meta.url), 'utf8')) as { [key: string]: Json },
);
