// The keys schemas/channel-connection.schema.json allows at each level, for
// "did you mean" suggestions (a unit test keeps them equal to the schema).

export const TOP_LEVEL_KEYS = ['appId', 'apiVersion', 'ensure', 'defaultRegion', 'settings', 'phoneNumbers'] as const;
export const SETTINGS_KEYS = ['url', 'isReady'] as const;
export const PHONE_NUMBER_KEYS = ['e164PhoneNumber', 'extension', 'friendlyName'] as const;

/** Where a mapping sits in an app document. */
export type KeyLevel = 'top' | 'settings' | 'phoneNumber';

export const KEYS_BY_LEVEL: Readonly<Record<KeyLevel, readonly string[]>> = {
  top: TOP_LEVEL_KEYS,
  settings: SETTINGS_KEYS,
  phoneNumber: PHONE_NUMBER_KEYS,
};

/** How a user would write the place of each level, for "belongs under" hints. */
export const LEVEL_NAMES: Readonly<Record<KeyLevel, string>> = {
  top: 'the top level',
  settings: '`settings`',
  phoneNumber: 'each `phoneNumbers` entry',
};
