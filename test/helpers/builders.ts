import type { AppConfig, ApiVersion, ManagedSettings, PhoneNumberConfig } from '../../src/config/model.js';
import type { RemoteSettings } from '../../src/hubspot/types.js';

/** Declared settings. */
export function settings(overrides: Partial<ManagedSettings> = {}): ManagedSettings {
  return { url: 'https://calls.example.com/hubspot', isReady: true, ...overrides };
}

/** What GET returns, with server-added fields. */
export function remote(overrides: Partial<RemoteSettings> = {}): RemoteSettings {
  return {
    url: 'https://calls.example.com/hubspot',
    isReady: true,
    createdAt: '2024-04-30 12:01',
    updatedAt: '2024-04-30 12:01',
    ...overrides,
  };
}

export function number(overrides: Partial<PhoneNumberConfig> = {}): PhoneNumberConfig {
  return { e164PhoneNumber: '+14155552671', friendlyName: 'Support line', ...overrides };
}

/** A present app by default; pass `ensure: 'absent'` (and settings null) for deletions. */
export function app(appId: number, overrides: Partial<AppConfig> & { apiVersion?: ApiVersion } = {}): AppConfig {
  return {
    appId,
    apiVersion: 'v3',
    ensure: 'present',
    settings: settings(),
    phoneNumbers: [number()],
    source: { file: 'channel-connection.yaml', line: 1, column: 1 },
    ...overrides,
  };
}
