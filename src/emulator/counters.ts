/** The wire shape of `GET /__emulator/requests`. */
export interface RequestCountsJson {
  /** API requests received (everything outside /__emulator/). */
  total: number;
  /** Per HTTP method; GET, POST, PATCH and DELETE are always present. */
  byMethod: Record<string, number>;
  /** Requests answered 429 (rate limit or injected fault). */
  rateLimited: number;
  /** Most API requests in flight at once. */
  maxConcurrent: number;
}

function emptyByMethod(): Record<string, number> {
  return { GET: 0, POST: 0, PATCH: 0, DELETE: 0 };
}

/** Counts API requests, so tests can assert what a client actually sent. */
export class RequestCounters {
  #total = 0;
  #byMethod = emptyByMethod();
  #rateLimited = 0;
  #inFlight = 0;
  #maxConcurrent = 0;

  /** A request arrived; pair with {@link end} when its connection is done with it. */
  begin(method: string): void {
    this.#total += 1;
    this.#byMethod[method] = (this.#byMethod[method] ?? 0) + 1;
    this.#inFlight += 1;
    if (this.#inFlight > this.#maxConcurrent) this.#maxConcurrent = this.#inFlight;
  }

  end(): void {
    this.#inFlight -= 1;
  }

  rateLimited(): void {
    this.#rateLimited += 1;
  }

  /** Zeroes the counts; requests still in flight keep counting towards concurrency. */
  reset(): void {
    this.#total = 0;
    this.#byMethod = emptyByMethod();
    this.#rateLimited = 0;
    this.#maxConcurrent = this.#inFlight;
  }

  toJson(): RequestCountsJson {
    return { total: this.#total, byMethod: { ...this.#byMethod }, rateLimited: this.#rateLimited, maxConcurrent: this.#maxConcurrent };
  }
}
