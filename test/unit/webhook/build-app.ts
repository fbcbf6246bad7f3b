import type { AppConfig, PhoneNumberConfig, PortalNumbersConfig } from '../../../src/config/model.js';

/**
 * An AppConfig whose channel connection is present (url
 * https://example.com/webhook/<appId>), for webhook tests. `url: null`
 * declares the channel connection absent; `unmanaged: true` leaves it out.
 */
export function buildApp(
  overrides: Partial<Omit<AppConfig, 'resources'>> & { appId: number; url?: string | null; unmanaged?: boolean },
): AppConfig {
  const { url, unmanaged, ...rest } = overrides;
  const connection =
    url === null ? { ensure: 'absent' as const } : { ensure: 'present' as const, fields: { url: url ?? `https://example.com/webhook/${overrides.appId}`, isReady: true } };
  return {
    apiVersion: 'v3',
    auth: 'developer-api-key',
    resources: unmanaged === true ? { 'calling-settings': { ensure: 'absent' } } : { 'channel-connection': connection },
    phoneNumbers: [],
    portals: [],
    source: { file: 'channel-connection.yaml', line: 1, column: 1 },
    ...rest,
  };
}

export function phone(e164PhoneNumber: string, friendlyName: string, extension?: string): PhoneNumberConfig {
  return { e164PhoneNumber, friendlyName, ...(extension === undefined ? {} : { extension }) };
}

/** A declared portal: its own numbers (or none: the app's apply) and users by id. */
export function portal(portalId: number, phoneNumbers: PhoneNumberConfig[] | undefined, users: Record<number, PhoneNumberConfig[]> = {}): PortalNumbersConfig {
  return {
    portalId,
    ...(phoneNumbers === undefined ? {} : { phoneNumbers }),
    users: Object.entries(users)
      .map(([userId, numbers]) => ({ userId: Number(userId), phoneNumbers: numbers }))
      .sort((a, b) => a.userId - b.userId),
  };
}
