import { callingSettings } from './calling-settings.js';
import { channelConnection } from './channel-connection.js';
import type { ResourceDescriptorOf } from './descriptor.js';
import { recordingSettings } from './recording-settings.js';

export type { ChangeFacts, FieldDescriptor, FieldType, Fields, FieldValue, Impact } from './descriptor.js';
export { INT32_MAX, isUrlField } from './descriptor.js';

/**
 * Every resource, in write order (DESIGN.md "Order within an app"): calling
 * settings before recording settings before the channel connection; deletes
 * run in the reverse order. Every output sorts changes by appId, then this.
 */
const REGISTERED = [callingSettings, recordingSettings, channelConnection] as const;

/** The resources hscc manages, in DESIGN.md's words. */
export type ResourceName = (typeof REGISTERED)[number]['name'];
/** The config block a resource is declared in (`settings` is the channel connection's). */
export type ConfigKey = (typeof REGISTERED)[number]['configKey'];
export type ResourceDescriptor = ResourceDescriptorOf<ResourceName, ConfigKey>;

export const RESOURCES: readonly ResourceDescriptor[] = REGISTERED;

const BY_NAME = new Map(RESOURCES.map((resource) => [resource.name, resource]));

export function resourceNamed(name: ResourceName): ResourceDescriptor {
  const resource = BY_NAME.get(name);
  if (resource === undefined) throw new Error(`unknown resource ${name}`);
  return resource;
}

/** The position of `name` in write order. */
export function resourceOrder(name: ResourceName): number {
  return RESOURCES.findIndex((resource) => resource.name === name);
}

export function isResourceName(value: unknown): value is ResourceName {
  return typeof value === 'string' && BY_NAME.has(value as ResourceName);
}
