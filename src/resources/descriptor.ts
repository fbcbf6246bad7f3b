// A settings resource of a calling app, as data (STYLE.md "Resources as
// descriptors"): plan, apply, saved plans, renderers, import, drift, the
// client and the emulator loop over these and never name a resource.

/** HubSpot's integers (appIds, iframe sizes) are int32. */
export const INT32_MAX = 2_147_483_647;

/** A managed field's value as HubSpot stores it. */
export type FieldValue = string | number | boolean;

/** A resource's managed fields, by field name (a fresh object: never mutated). */
export type Fields = Readonly<Record<string, FieldValue>>;

export type FieldType = 'string' | 'boolean' | 'integer';

/** How a field's value is checked beyond its JSON type (config rules and saved-plan re-checks). */
export type FieldRule =
  /** absolute https URL; http only for loopback hosts. */
  | 'webhook-url'
  /** a webhook-url that also contains `%s`. */
  | 'recording-url'
  /** a non-empty string. */
  | 'non-empty'
  /** an integer from 1 to INT32_MAX. */
  | 'positive-integer'
  | 'none';

/** True for a field holding a URL (the webhook, the dialer, the recording URL). */
export function isUrlField(field: Pick<FieldDescriptor, 'rule'>): boolean {
  return field.rule === 'webhook-url' || field.rule === 'recording-url';
}

export interface FieldDescriptor {
  readonly name: string;
  readonly type: FieldType;
  readonly rule: FieldRule;
  /** For the JSON Schema and editors: what the field is and what it accepts. */
  readonly description: string;
  /** A value that passes the field's rule, shown in hints (`width: 400`). */
  readonly example: FieldValue;
}

/** What a change does, for impact rules. */
export interface ChangeFacts {
  readonly action: 'create' | 'update' | 'delete' | 'no-op';
  readonly before: Fields | null;
  readonly after: Fields | null;
  readonly changedFields: readonly string[];
}

/**
 * What a user will notice when a change is applied (plan) or what is true
 * now (drift). Stored in the model so every view agrees.
 */
export interface Impact {
  /** Stable id, e.g. `greyed-out`, `calling-removed`. */
  readonly kind: string;
  readonly message: string;
  /** True for what a reviewer must not miss: a delete, an `isReady` flip, a moved webhook or dialer. */
  readonly warning: boolean;
}

/**
 * A resource with its name `Name` (DESIGN.md's word, e.g. `calling-settings`)
 * and config key `Key`. index.ts derives the unions of both from the
 * registered descriptors, so a new resource is its own file plus its place
 * in the write order.
 */
export interface ResourceDescriptorOf<Name extends string, Key extends string> {
  readonly name: Name;
  /** For messages: "calling settings". */
  readonly title: string;
  /** The path below `.../{appId}/`: `settings`, `settings/recording`, `settings/channel-connection`. */
  readonly pathSegment: string;
  /**
   * Where the config declares it: a top-level key holding the block
   * (`calling`, `recording`), or `settings` for the channel connection,
   * whose `ensure` sits at the top level.
   */
  readonly configKey: Key;
  /** Managed fields in display and PATCH order. Create sends all of them. */
  readonly fields: readonly FieldDescriptor[];
  /** The field holding the URL HubSpot POSTs to for available numbers, when the resource is a webhook (channel connection). */
  readonly webhookUrlField?: string;
  /** False when HubSpot's API has no DELETE for it (recording settings). */
  readonly deletable: boolean;
  /**
   * Where a deletable resource's `ensure` is written: in its own block, or at
   * the top level (the channel connection, the config format's first resource).
   */
  readonly ensureAt?: 'block' | 'top-level';
  /** For the JSON Schema and editors (scripts/generate.mjs writes the config schema's block from this descriptor). */
  readonly docs: {
    /** The block: what it is, and what leaving it out means. */
    readonly block: string;
    /** A deletable resource's `ensure`: the whole key, then each value. */
    readonly ensure?: { readonly summary: string; readonly present: string; readonly absent: string };
  };
  /** What users notice when `change` is applied. Pure. */
  impactsOf(change: ChangeFacts): Impact[];
  /** The same facts read as the present, for drift: HubSpot has `before`, the config declares `after`. */
  driftImpactsOf(change: ChangeFacts): Impact[];
}

/** Declares a descriptor, keeping its name and config key as literal types. */
export function defineResource<Name extends string, Key extends string>(descriptor: ResourceDescriptorOf<Name, Key>): ResourceDescriptorOf<Name, Key> {
  return descriptor;
}
