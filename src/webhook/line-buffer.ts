/** A line sink that batches writes. */
export interface LineBuffer {
  /** Queues one line (no trailing newline). */
  log(line: string): void;
  /** Writes whatever is queued now. */
  flush(): void;
}

export interface LineBufferOptions {
  /** Least time between two writes, ms (default 50). */
  minIntervalMs?: number;
  /** Monotonic clock, ms (default performance.now). */
  now?: () => number;
}

/**
 * Batches log lines: a line logged after a quiet spell is written at the end
 * of the current event-loop turn; lines that follow within `minIntervalMs`
 * wait and go out together, so a busy server writes at most ~20 times a
 * second. A write to stderr is a synchronous syscall that otherwise costs
 * about as much as answering a request (nginx's `access_log … flush=` for
 * the same reason).
 */
export function createLineBuffer(write: (text: string) => void, options: LineBufferOptions = {}): LineBuffer {
  const minIntervalMs = options.minIntervalMs ?? 50;
  const now = options.now ?? (() => performance.now());
  let pending: string[] = [];
  let immediate: NodeJS.Immediate | undefined;
  let timeout: NodeJS.Timeout | undefined;
  let lastWrite = -Infinity;
  const flush = (): void => {
    clearImmediate(immediate);
    clearTimeout(timeout);
    immediate = timeout = undefined;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    lastWrite = now();
    write(text);
  };
  return {
    log: (line) => {
      pending.push(line);
      if (immediate !== undefined || timeout !== undefined) return;
      const wait = lastWrite + minIntervalMs - now();
      if (wait <= 0) immediate = setImmediate(flush);
      // Unref'd: a waiting batch never keeps the process alive; owners flush before exit.
      else timeout = setTimeout(flush, wait).unref();
    },
    flush,
  };
}
