import type { ApiVersion, AuthMode } from '../config/model.js';
import type { Fields, ResourceName } from '../resources/index.js';

/** One resource of one app, through one API version and auth. */
export interface ResourceTarget {
  appId: number;
  apiVersion: ApiVersion;
  auth: AuthMode;
  resource: ResourceName;
}

/** What GET returns: the descriptor's managed fields, plus HubSpot's timestamps; other server fields are dropped. */
export interface RemoteResource {
  fields: Fields;
  createdAt?: string;
  updatedAt?: string;
}

/** A write's result; `wrote` false when no write was needed after all (a 409 whose re-read already matched, a DELETE that found nothing). */
export interface WriteResult {
  remote: RemoteResource | null;
  wrote: boolean;
}

/**
 * The calling-extension settings API of one HubSpot account, for every
 * resource, with retries, pacing and redaction already handled. Every method
 * throws `HubSpotError` (a UserError) on failure.
 */
export interface SettingsClient {
  /** null only when HubSpot answers 404 in its own JSON error shape (the resource does not exist). */
  get(target: ResourceTarget): Promise<RemoteResource | null>;
  /** POST with every managed field; a refusal because it exists is resolved by GET + PATCH. */
  create(target: ResourceTarget, fields: Fields): Promise<WriteResult>;
  /** PATCH with only the fields to change. */
  update(target: ResourceTarget, patch: Fields): Promise<WriteResult>;
  /** DELETE; a 404 counts as done (`wrote` false). Precondition: the resource is deletable. */
  delete(target: ResourceTarget): Promise<WriteResult>;
  /**
   * Subscribes to the waits the client makes before sending (pacing for the
   * rate limit, a retry's backoff), so a progress line can say why it stands
   * still; returns the unsubscribe function.
   */
  onWait?(listener: (wait: ClientWait) => void): () => void;
}

/** A wait before a request: how long, and what for ("HubSpot's rate limit"). */
export interface ClientWait {
  ms: number;
  reason: string;
}

export interface ClientOptions {
  /** Defaults to https://api.hubapi.com, else HUBSPOT_API_BASE_URL. */
  baseUrl: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Per-attempt timeout in milliseconds (default 30 000). */
  timeoutMs: number;
  /** Injected clock and randomness, so retries are testable without waiting. */
  /** Rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  now(): number;
  /** Optional debug log line sink (already redacted). */
  log?: (line: string) => void;
  /** Aborted when the run is interrupted: from then on no write is sent again (a retry is a new write). */
  interrupted?: AbortSignal;
}
