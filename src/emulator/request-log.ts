// What the API actually received, in order, for tests that check a client's
// report against the server (`GET /__emulator/request-log`). Entries hold
// no query string and no header: nothing in them can carry a credential.
import type { ApiVersion } from '../config/model.js';
import type { ResourceName } from '../resources/index.js';

/** One API request as `GET /__emulator/request-log` lists it. */
export interface RequestLogEntryJson {
  /** 1 for the first request since start or reset. */
  seq: number;
  method: string;
  /** The path without its query (which may hold the hapikey). */
  path: string;
  /** null when the path is not an API route (or its appId segment is not an appId). */
  apiVersion: ApiVersion | null;
  appId: number | null;
  resource: ResourceName | null;
  /** The auth the request authenticated with; null when it did not (or never got that far). */
  auth: 'developer-api-key' | 'access-token' | null;
  /** The status answered; null when no answer was sent (a reset, or still in flight). */
  status: number | null;
  /** True when the request changed the state (even if an injected fault then answered 500). */
  wrote: boolean;
}

/** The wire shape of `GET /__emulator/request-log`. */
export interface RequestLogJson {
  requests: RequestLogEntryJson[];
  /** Oldest entries dropped beyond the cap (memory stays bounded under load tests). */
  dropped: number;
}

/** Entries kept; older ones are dropped and counted. */
export const REQUEST_LOG_CAP = 100_000;

/** The mutable record of one request, filled in as the request is handled. */
export type RequestLogEntry = RequestLogEntryJson;

/** Every API request in arrival order, bounded by {@link REQUEST_LOG_CAP}. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #head = 0;
  #seq = 0;
  #dropped = 0;

  /** Records a request on arrival; the caller fills in the rest as it learns it. */
  begin(method: string, path: string): RequestLogEntry {
    this.#seq += 1;
    const entry: RequestLogEntry = { seq: this.#seq, method, path, apiVersion: null, appId: null, resource: null, auth: null, status: null, wrote: false };
    this.#entries.push(entry);
    if (this.#entries.length - this.#head > REQUEST_LOG_CAP) {
      this.#head += 1;
      this.#dropped += 1;
      // Compact now and then, so dropping stays O(1) on average.
      if (this.#head > REQUEST_LOG_CAP / 10) {
        this.#entries = this.#entries.slice(this.#head);
        this.#head = 0;
      }
    }
    return entry;
  }

  clear(): void {
    this.#entries = [];
    this.#head = 0;
    this.#seq = 0;
    this.#dropped = 0;
  }

  toJson(): RequestLogJson {
    return { requests: this.#entries.slice(this.#head).map((entry) => ({ ...entry })), dropped: this.#dropped };
  }
}
