import type { OutputStream } from '../runtime/runtime.js';

export interface Progress {
  /** Marks one more item done. */
  tick(): void;
  /** Clears the line. */
  done(): void;
}

/**
 * A `label done/total` line redrawn in place on a TTY stderr; silent
 * otherwise (CI logs and --json stay clean).
 */
export function createProgress(stream: OutputStream, label: string, total: number, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY || total < 2) return { tick: () => {}, done: () => {} };
  let count = 0;
  const draw = () => stream.write(`\r${label} ${count}/${total}`);
  draw();
  return {
    tick: () => {
      count += 1;
      draw();
    },
    done: () => stream.write('\r\u001b[2K'),
  };
}
