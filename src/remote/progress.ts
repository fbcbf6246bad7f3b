import type { OutputStream } from '../runtime/runtime.js';

export interface Progress {
  /** Marks one more item done. */
  tick(): void;
  /** Says why the count stands still (`ms` of waiting for `reason`), until the next tick; short waits are not shown. */
  waiting(ms: number, reason: string): void;
  /** Clears the line, once; later calls of any method do nothing. */
  done(): void;
}

/** Waits shorter than this pass unsaid: the line would only flicker. */
export const WAIT_SHOWN_FROM_MS = 1000;

/**
 * A `label done/total` line redrawn in place on a TTY stderr; silent
 * otherwise (CI logs and --json stay clean).
 */
export function createProgress(stream: OutputStream, label: string, total: number, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY || total < 2) return { tick: () => {}, waiting: () => {}, done: () => {} };
  let count = 0;
  // Once done (an interrupt may end it early), it draws and clears nothing more: the line may be another's by then.
  let finished = false;
  // Erase to the end of the line: the text drawn before may have been longer.
  const draw = (note = '') => {
    if (!finished) stream.write(`\r${label} ${count}/${total}${note}\u001b[K`);
  };
  draw();
  return {
    tick: () => {
      count += 1;
      draw();
    },
    waiting: (ms, reason) => {
      if (ms >= WAIT_SHOWN_FROM_MS) draw(` (waiting ${Math.ceil(ms / 1000)} s for ${reason})`);
    },
    done: () => {
      if (finished) return;
      finished = true;
      stream.write('\r\u001b[2K');
    },
  };
}
