import type { AppConfig, ApiVersion, AuthMode, DesiredResource, ManagedSettings, PhoneNumberConfig } from '../../src/config/model.js';
import { defaultAuthFor } from '../../src/config/model.js';
import type { RemoteResource } from '../../src/hubspot/types.js';
import type { Fields, ResourceName } from '../../src/resources/index.js';

/** Declared channel-connection settings. */
export function settings(overrides: Partial<ManagedSettings> = {}): ManagedSettings {
  return { url: 'https://calls.example.com/hubspot', isReady: true, ...overrides };
}

/** The nine calling-settings fields, each with its own type. */
export type CallingFields = {
  name: string;
  url: string;
  width: number;
  height: number;
  isReady: boolean;
  supportsCustomObjects: boolean;
  supportsInboundCalling: boolean;
  usesCallingWindow: boolean;
  usesRemote: boolean;
};

/**
 * All nine calling-settings fields as their own type, for code that wants the
 * fields by name (HubSpot's SDK request model); `calling()` is the same values as `Fields`.
 */
export function callingFields(overrides: Partial<CallingFields> = {}): CallingFields {
  return {
    name: 'Acme Phone',
    url: 'https://app.acme.example/hubspot/dialer',
    width: 400,
    height: 600,
    isReady: true,
    supportsCustomObjects: false,
    supportsInboundCalling: true,
    usesCallingWindow: true,
    usesRemote: true,
    ...overrides,
  };
}

/** All nine calling-settings fields; overrides may give any value, for tests of bad input. */
export function calling(overrides: Partial<Record<string, string | number | boolean>> = {}): Fields {
  return { ...callingFields(), ...overrides } as Fields;
}

export function recording(url = 'https://api.acme.example/recordings/%s'): Fields {
  return { urlToRetrieveAuthedRecording: url };
}

export function present(fields: Fields | ManagedSettings): DesiredResource {
  return { ensure: 'present', fields: { ...fields } };
}

export const absent: DesiredResource = { ensure: 'absent' };

/** What GET returns: the fields plus HubSpot's timestamps. */
export function remote(fields: Fields | ManagedSettings = settings(), timestamps: { createdAt?: string; updatedAt?: string } = {}): RemoteResource {
  return { fields: { ...fields }, createdAt: '2024-04-30 12:01', updatedAt: '2024-04-30 12:01', ...timestamps };
}

export function number(overrides: Partial<PhoneNumberConfig> = {}): PhoneNumberConfig {
  return { e164PhoneNumber: '+14155552671', friendlyName: 'Support line', ...overrides };
}

interface AppOverrides {
  apiVersion?: ApiVersion;
  auth?: AuthMode;
  resources?: Partial<Record<ResourceName, DesiredResource>>;
  phoneNumbers?: PhoneNumberConfig[];
  portals?: AppConfig['portals'];
}

/** An app managing its channel connection (present, `settings()`) unless `resources` says otherwise. */
export function app(appId: number, overrides: AppOverrides = {}): AppConfig {
  const apiVersion = overrides.apiVersion ?? 'v3';
  return {
    appId,
    apiVersion,
    auth: overrides.auth ?? defaultAuthFor(apiVersion),
    resources: overrides.resources ?? { 'channel-connection': present(settings()) },
    phoneNumbers: overrides.phoneNumbers ?? [number()],
    portals: overrides.portals ?? [],
    source: { file: 'channel-connection.yaml', line: 1, column: 1 },
  };
}
