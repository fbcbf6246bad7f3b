import type { ApiVersion, AuthMode } from '../config/model.js';

/** Flags every command accepts, before or after the command name. */
export interface GlobalOptions {
  /** Print one JSON document on stdout instead of human output. */
  json: boolean;
  /** --base-url, else HUBSPOT_API_BASE_URL, else https://api.hubapi.com (resolved by the command). */
  baseUrl: string | undefined;
  /** Per-request timeout, milliseconds. */
  timeoutMs: number;
}

export type OutputFormat = 'text' | 'json' | 'markdown';

/** Options of commands that read config files. */
export interface ConfigInputOptions {
  /** Paths and globs; empty means channel-connection.yaml. */
  paths: string[];
  strict: boolean;
}

/** Options of commands that talk to many apps. */
export interface FleetOptions {
  /** Concurrent apps in flight (default 10). */
  parallelism: number;
  /** --target APP_ID (repeatable); empty means every app. */
  targets: number[];
}

export type ValidateOptions = GlobalOptions & ConfigInputOptions;

export interface PlanOptions extends GlobalOptions, ConfigInputOptions, FleetOptions {
  /** Save the plan document here for `apply PLANFILE`. */
  out: string | undefined;
  detailedExitcode: boolean;
  /** `json` when --json was given. */
  format: OutputFormat;
}

export interface ApplyOptions extends GlobalOptions, ConfigInputOptions, FleetOptions {
  autoApprove: boolean;
  format: OutputFormat;
  /** With a saved plan: config paths the plan must still match (`--config`). */
  config: string[];
}

export interface ShowOptions extends GlobalOptions {
  planFile: string;
  format: OutputFormat;
}

export interface DriftOptions extends GlobalOptions, ConfigInputOptions, FleetOptions {
  /** Also probe every declared level of each live webhook. */
  probe: boolean;
  format: OutputFormat;
}

export interface ImportOptions extends GlobalOptions {
  appId: number;
  apiVersion: ApiVersion;
  /** undefined: the version's default. */
  auth: AuthMode | undefined;
  probe: boolean;
  /** Also ask the webhook for this portal (and user), whose numbers go under `portals`. */
  portalId: number | undefined;
  userId: number | undefined;
}

export interface FixturesOptions extends GlobalOptions, ConfigInputOptions {
  outDir: string;
  check: boolean;
  /** Remove (with --check: report) fixture files of apps not declared in this run. */
  prune: boolean;
}

export interface ServeOptions extends GlobalOptions, ConfigInputOptions {
  /** 0 picks a free port; the base URL is the first stdout line. */
  port: number;
  host: string;
  publicUrl: string | undefined;
  insecureSkipVerify: boolean;
}

export interface ProbeOptions extends GlobalOptions, ConfigInputOptions, FleetOptions {
  /** undefined: probe every declared level (default, portals, users). */
  portalId: number | undefined;
  userId: number | undefined;
}

export interface RateLimitSpec {
  max: number;
  intervalMs: number;
}

export interface EmulatorOptions extends GlobalOptions {
  port: number;
  host: string;
  state: string | undefined;
  apiKey: string | undefined;
  accessToken: string | undefined;
  /** A token accepted for GET only (scope developers-read). */
  readOnlyToken: string | undefined;
  /** undefined: HubSpot's default (100 per 10 s per app); 'none': unlimited. */
  rateLimit: RateLimitSpec | 'none' | undefined;
  latencyMs: number;
  /** Raw --fault specs, parsed by the emulator. */
  faults: string[];
}
