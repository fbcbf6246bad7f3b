import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { API_VERSION_TABLE } from '../hubspot/api-versions.js';
import type { Fields, ResourceName } from '../resources/index.js';

/** The HubSpot API versions hscc can talk to: one row each in `hubspot/api-versions.ts`. */
export type ApiVersion = keyof typeof API_VERSION_TABLE;
export const API_VERSIONS = Object.keys(API_VERSION_TABLE) as readonly ApiVersion[];

/** Where the credential comes from and how it is sent (DESIGN.md "The HubSpot API", auth). */
export type AuthMode = 'developer-api-key' | 'access-token';
export const AUTH_MODES: readonly AuthMode[] = ['developer-api-key', 'access-token'];

/** The auth an app uses when its document does not say. */
export function defaultAuthFor(apiVersion: ApiVersion): AuthMode {
  return API_VERSION_TABLE[apiVersion].defaultAuth;
}

/** The managed fields of the channel-connection settings (its `settings` block). */
export type ManagedSettings = {
  url: string;
  isReady: boolean;
};

export interface PhoneNumberConfig {
  e164PhoneNumber: string;
  extension?: string;
  friendlyName: string;
}

/** Where a declaration came from, for messages that point back at it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** What the config declares for one managed resource. */
export type DesiredResource = { ensure: 'present'; fields: Fields } | { ensure: 'absent' };

/** The largest portal or user id: ids are at most 15 decimal digits (exact in a JS number). */
export const MAX_ACCOUNT_ID = 999_999_999_999_999;

/** Numbers declared for one user of one portal (DESIGN.md "Webhook side"). */
export interface UserNumbersConfig {
  userId: number;
  phoneNumbers: PhoneNumberConfig[];
}

/** Numbers declared for one portal; `phoneNumbers` undefined: the app's numbers apply. */
export interface PortalNumbersConfig {
  portalId: number;
  phoneNumbers?: PhoneNumberConfig[];
  /** Sorted by userId. */
  users: UserNumbersConfig[];
}

/** One validated, expanded app declaration (one YAML document). */
export interface AppConfig {
  appId: number;
  apiVersion: ApiVersion;
  /** As declared, else the version's default (v3: developer-api-key; dated: access-token). */
  auth: AuthMode;
  /**
   * The managed resources only: a resource the document does not declare is
   * absent from this record (never read, written or drifted). At least one.
   * Channel connection: `settings` → present with {url, isReady};
   * top-level `ensure: absent` → absent.
   */
  resources: Partial<Record<ResourceName, DesiredResource>>;
  /** The channel connection's numbers: what the webhook answers by default. */
  phoneNumbers: PhoneNumberConfig[];
  /** Sorted by portalId. */
  portals: PortalNumbersConfig[];
  source: SourceLocation;
}

/** The result of loading every input: apps sorted by appId, plus findings. */
export interface LoadedConfig {
  /** Empty when any error was found. */
  apps: AppConfig[];
  /** Resolved file paths, as given relative to cwd, in load order. */
  files: string[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface LoadConfigOptions {
  /** Paths and globs; empty means the default `channel-connection.yaml`. */
  patterns: string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Turn warnings into errors. */
  strict: boolean;
}

export const DEFAULT_CONFIG_FILE = 'channel-connection.yaml';
