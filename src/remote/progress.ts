import type { OutputStream } from '../runtime/runtime.js';

export interface Progress {
  /** Marks one more item done. */
  tick(): void;
  /** Says why the count stands still (`ms` of waiting for `reason`) until that wait is over; short waits are not shown. */
  waiting(ms: number, reason: string): void;
  /** Clears the line, once; later calls of any method do nothing. */
  done(): void;
}

/** Waits shorter than this pass unsaid: the line would only flicker. */
export const WAIT_SHOWN_FROM_MS = 1000;

/**
 * A `label done/total` line redrawn in place on a TTY stderr; silent
 * otherwise (CI logs, --json and a `TERM=dumb` terminal stay clean). `now`
 * (epoch ms, the runtime's clock) tells when a wait it was told of is over.
 */
export function createProgress(stream: OutputStream, label: string, total: number, enabled: boolean, now: () => number): Progress {
  if (!enabled || !stream.isTTY || stream.redraws === false || total < 2) return { tick: () => {}, waiting: () => {}, done: () => {} };
  let count = 0;
  // Once done (an interrupt may end it early), it draws and clears nothing more: the line may be another's by then.
  let finished = false;
  // The wait that ends last: parallel calls each wait, and each finished call redraws the line.
  let wait: { until: number; reason: string } | undefined;
  const draw = () => {
    if (finished) return;
    const left = wait === undefined ? 0 : wait.until - now();
    if (left <= 0) wait = undefined;
    const note = wait === undefined ? '' : ` (waiting ${Math.ceil(left / 1000)} s for ${wait.reason})`;
    const text = `${label} ${count}/${total}${note}`;
    // One row only: a line that wraps leaves rows that \r and the erase cannot reach.
    const width = stream.columns;
    const shown = width !== undefined && width > 1 && text.length >= width ? text.slice(0, width - 1) : text;
    // Erase to the end of the line: the text drawn before may have been longer.
    stream.write(`\r${shown}\u001b[K`);
  };
  draw();
  return {
    tick: () => {
      count += 1;
      draw();
    },
    waiting: (ms, reason) => {
      if (ms < WAIT_SHOWN_FROM_MS) return;
      const until = now() + ms;
      if (wait === undefined || until >= wait.until) wait = { until, reason };
      draw();
    },
    done: () => {
      if (finished) return;
      finished = true;
      stream.write('\r\u001b[2K');
    },
  };
}
