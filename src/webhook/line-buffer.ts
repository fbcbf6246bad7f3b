/** A line sink that batches writes. */
export interface LineBuffer {
  /** Queues one line (no trailing newline); written within the same event-loop turn's check phase. */
  log(line: string): void;
  /** Writes whatever is queued now. */
  flush(): void;
}

/**
 * Batches log lines into one write per event-loop turn. Under load a server
 * answers many requests per turn, and a write to stderr is a synchronous
 * syscall that otherwise costs as much as answering the request.
 */
export function createLineBuffer(write: (text: string) => void): LineBuffer {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    write(text);
  };
  return {
    log: (line) => {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
