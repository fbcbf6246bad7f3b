import type { ApiVersion, ManagedSettings } from '../config/model.js';

/** What GET returns: the managed fields plus whatever else the server adds. */
export interface RemoteSettings extends ManagedSettings {
  createdAt?: string;
  updatedAt?: string;
}

/** Which app, through which API flavour. */
export interface AppTarget {
  appId: number;
  apiVersion: ApiVersion;
}

/**
 * The channel-connection settings API of one HubSpot account, with retries,
 * pacing and redaction already handled. Every method throws `HubSpotError`
 * (a UserError) on failure.
 */
export interface ChannelConnectionClient {
  /** null when HubSpot answers 404 (no settings). */
  get(target: AppTarget): Promise<RemoteSettings | null>;
  /** POST; a refusal because settings exist is resolved by GET + PATCH. */
  create(target: AppTarget, settings: ManagedSettings): Promise<RemoteSettings>;
  /** PATCH with only the fields to change. */
  update(target: AppTarget, patch: Partial<ManagedSettings>): Promise<RemoteSettings>;
  /** DELETE; a 404 counts as done. */
  delete(target: AppTarget): Promise<void>;
}

export interface ClientOptions {
  /** Defaults to https://api.hubapi.com, else HUBSPOT_API_BASE_URL. */
  baseUrl: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs: number;
  /** Injected clock and randomness, so retries are testable without waiting. */
  sleep(ms: number): Promise<void>;
  random(): number;
  now(): number;
  /** Optional debug log line sink (already redacted). */
  log?: (line: string) => void;
}
