import type { AppConfig, PhoneNumberConfig } from '../../../src/config/model.js';

/** An AppConfig with ensure: present and sensible defaults, for webhook tests. */
export function buildApp(overrides: Partial<AppConfig> & { appId: number }): AppConfig {
  return {
    apiVersion: 'v3',
    ensure: 'present',
    settings: { url: `https://example.com/webhook/${overrides.appId}`, isReady: true },
    phoneNumbers: [],
    source: { file: 'channel-connection.yaml', line: 1, column: 1 },
    ...overrides,
  };
}

export function phone(e164PhoneNumber: string, friendlyName: string, extension?: string): PhoneNumberConfig {
  return { e164PhoneNumber, friendlyName, ...(extension === undefined ? {} : { extension }) };
}
