import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** The HubSpot API flavours hscc can talk to (DESIGN.md "The HubSpot API"). */
export type ApiVersion = 'v3' | '2026-03';
export const API_VERSIONS: readonly ApiVersion[] = ['v3', '2026-03'];

export type Ensure = 'present' | 'absent';

/** The managed fields of the channel-connection settings. */
export interface ManagedSettings {
  url: string;
  isReady: boolean;
}

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

/** One validated, expanded app declaration (one YAML document). */
export interface AppConfig {
  appId: number;
  apiVersion: ApiVersion;
  ensure: Ensure;
  /** Present exactly when `ensure` is `present`. */
  settings: ManagedSettings | null;
  phoneNumbers: PhoneNumberConfig[];
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
