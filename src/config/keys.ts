// The shape of an app document: the keys schemas/channel-connection.schema.json
// allows at each level (for "did you mean" suggestions; a unit test keeps them
// equal to the schema) and the scalar type expected at a path (for typing
// whole-scalar `${VAR}` expansions). Resource blocks are read from the
// resource descriptors, never listed here.
import type { ConfigKey, FieldType } from '../resources/index.js';
import { RESOURCES, type FieldDescriptor, type ResourceDescriptor } from '../resources/index.js';
import type { PathSegment } from './yaml-path.js';

/** The resource a top-level block key declares (`settings`, `calling`, `recording`). */
export function resourceForBlock(key: PathSegment | undefined): ResourceDescriptor | undefined {
  return RESOURCES.find((resource) => resource.configKey === key);
}

const fieldNames = (resource: ResourceDescriptor | undefined): string[] => resource?.fields.map((f) => f.name) ?? [];

/** A hint that shows a value the field takes: `for example: width: 400`. */
export function exampleHint(field: FieldDescriptor): string {
  return `for example: ${field.name}: ${String(field.example)}`;
}

/** The top-level keys, each resource's block among them. */
export const TOP_LEVEL_KEYS: readonly string[] = ['appId', 'apiVersion', 'auth', 'ensure', 'defaultRegion', 'phoneNumbers', 'portals', ...RESOURCES.map((r) => r.configKey)];
export const PHONE_NUMBER_KEYS = ['e164PhoneNumber', 'extension', 'friendlyName'] as const;
export const PORTAL_KEYS = ['phoneNumbers', 'users'] as const;
export const USER_KEYS = ['phoneNumbers'] as const;

/** A block's keys: its fields, and `ensure` when the resource can be deleted from its own block (the channel connection's is top-level). */
const blockKeys = (resource: ResourceDescriptor): string[] => [...(resource.ensureAt === 'block' ? ['ensure'] : []), ...fieldNames(resource)];

/** Where a mapping sits in an app document: a resource's block is named by its config key. */
export type KeyLevel = 'top' | ConfigKey | 'phoneNumber' | 'portal' | 'user';

/** One entry per resource block; every config key has a resource (RESOURCES lists them all). */
const byBlock = <T>(value: (resource: ResourceDescriptor) => T): Record<ConfigKey, T> =>
  Object.fromEntries(RESOURCES.map((resource) => [resource.configKey, value(resource)])) as Record<ConfigKey, T>;

export const KEYS_BY_LEVEL: Readonly<Record<KeyLevel, readonly string[]>> = {
  top: TOP_LEVEL_KEYS,
  ...byBlock(blockKeys),
  phoneNumber: PHONE_NUMBER_KEYS,
  portal: PORTAL_KEYS,
  user: USER_KEYS,
};

/** How a user would write the place of each level, for "belongs in" hints. */
export const LEVEL_NAMES: Readonly<Record<KeyLevel, string>> = {
  top: 'the top level',
  ...byBlock((resource) => `\`${resource.configKey}\``),
  phoneNumber: 'each `phoneNumbers` entry',
  portal: 'each `portals` entry',
  user: 'each `users` entry',
};

/**
 * The level of the mapping at `parent` (the path of the mapping itself), e.g.
 * `['portals', '42', 'users', '7']` → `user`.
 */
export function levelOf(parent: readonly PathSegment[]): KeyLevel {
  const [first] = parent;
  const block = parent.length === 1 ? resourceForBlock(first) : undefined;
  if (block !== undefined) return block.configKey;
  if (parent.length >= 2 && parent[parent.length - 2] === 'phoneNumbers') return 'phoneNumber';
  if (first === 'portals' && parent.length === 2) return 'portal';
  if (first === 'portals' && parent.length === 4 && parent[2] === 'users') return 'user';
  return 'top';
}

/** The managed field a path names (`['calling', 'width']`), if any. */
export function fieldAt(segments: readonly PathSegment[]): FieldDescriptor | undefined {
  if (segments.length !== 2) return undefined;
  return resourceForBlock(segments[0])?.fields.find((field) => field.name === segments[1]);
}

/**
 * The JSON type the schema expects for the scalar at `segments`: `appId` and
 * integer fields are integers, boolean fields booleans, everything else a
 * string. Used to type a whole-scalar `${VAR}` expansion.
 */
export function scalarTypeAt(segments: readonly PathSegment[]): FieldType {
  if (segments.length === 1 && segments[0] === 'appId') return 'integer';
  return fieldAt(segments)?.type ?? 'string';
}
