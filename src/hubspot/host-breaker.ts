// DESIGN.md "Every attempt has a timeout": a host that accepts connections
// and never answers must end a run in 60 s for one app and 90 s for any
// number, so once it looks dead every later call fails at once.

/**
 * Consecutive failed requests (timeouts, connection errors, cut-off answers)
 * after which the host is given up on, even when they came quickly.
 * Ten: a proxy restart may reset every one of a run's 10 parallel requests
 * at once, and that alone should not stop the run.
 */
export const HOST_FAILURE_LIMIT = 10;

/** The state of one host across all calls of one client (one run). */
export interface HostBreaker {
  /** True once the host is given up on; it stays so for the client's life. */
  readonly open: boolean;
  /** Why it is open, for messages: e.g. `api.hubapi.com timed out: no answer for 30 s (10 requests in a row failed)`. */
  readonly reason: string;
  /** A complete answer (any status) arrived at `at`: the host is alive. */
  recordAnswer(at: number): void;
  /** An attempt started at `startedAt` failed at `at` without an answer. */
  recordFailure(failure: { startedAt: number; at: number; timedOut: boolean; code: string }): void;
}

export interface HostBreakerOptions {
  /** For messages. */
  host: string;
  /** Opens after this many failures in a row (HOST_FAILURE_LIMIT). */
  failureLimit: number;
  /**
   * Opens once the host has failed every request for this long (ms) with no
   * answer in between: the per-attempt timeout, so one attempt that timed
   * out while nothing else answered is enough.
   */
  silenceLimitMs: number;
}

/**
 * Creates the breaker. The silence is measured from the later of the last
 * answer and the start of the first failed attempt of the current streak, so
 * a slow request among answering ones does not open it, while ten parallel
 * requests that all hang do, after one timeout.
 */
export function createHostBreaker(options: HostBreakerOptions): HostBreaker {
  let lastAnswerAt = Number.NEGATIVE_INFINITY;
  let streak = 0;
  let streakStartedAt = Number.POSITIVE_INFINITY;
  let timedOut = false;
  let lastCode = '';
  let openReason: string | undefined;

  return {
    get open() {
      return openReason !== undefined;
    },
    get reason() {
      return openReason ?? '';
    },
    recordAnswer(at) {
      if (openReason !== undefined) return;
      lastAnswerAt = Math.max(lastAnswerAt, at);
      streak = 0;
      streakStartedAt = Number.POSITIVE_INFINITY;
      timedOut = false;
    },
    recordFailure(failure) {
      if (openReason !== undefined) return;
      streak += 1;
      streakStartedAt = Math.min(streakStartedAt, failure.startedAt);
      timedOut ||= failure.timedOut;
      lastCode = failure.code;
      const silentMs = failure.at - Math.max(lastAnswerAt, streakStartedAt);
      if (streak < options.failureLimit && silentMs < options.silenceLimitMs) return;
      const what = timedOut ? 'timed out' : `could not be reached (${lastCode})`;
      openReason = `${options.host} ${what}: no answer for ${formatSeconds(silentMs)} (${streak} request${streak === 1 ? '' : 's'} in a row failed)`;
    },
  };
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
