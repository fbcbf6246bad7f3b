import { UserError } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';

/** How long writes in flight may finish after an interrupt (DESIGN.md). */
export const DRAIN_MS = 10_000;

/**
 * SIGINT and SIGTERM for a whole command. Before the first write (reading,
 * the prompt) a signal ends it at once; from then on it starts no new
 * write and lets those in flight finish (DESIGN.md).
 */
export interface InterruptWatch {
  /** Aborted at the first SIGINT or SIGTERM: no new read or write starts, and the reads' progress line goes. */
  readonly signal: AbortSignal;
  /** Resolves when writes in flight are to be abandoned: a second signal, or DRAIN_MS after the first. */
  readonly abandoned: Promise<void>;
  /** Writes are about to start: a signal from now on lets them finish. */
  writing(): void;
  stop(): void;
}

export function watchInterrupts(runtime: Runtime): InterruptWatch {
  let writing = false;
  let abandon!: () => void;
  const abandoned = new Promise<void>((resolveAbandon) => (abandon = resolveAbandon));
  const drain = new AbortController();
  const interrupted = new AbortController();
  const onSignal = () => {
    if (interrupted.signal.aborted) {
      abandon();
      return;
    }
    interrupted.abort();
    if (!writing) return;
    runtime.stderr.write(`\nInterrupted: starting no new write; letting writes in flight finish (up to ${DRAIN_MS / 1000} s, interrupt again to stop waiting).\n`);
    runtime.sleep(DRAIN_MS, drain.signal).then(abandon, () => {});
  };
  const unsubscribe = [runtime.onSignal('SIGINT', onSignal), runtime.onSignal('SIGTERM', onSignal)];
  return {
    signal: interrupted.signal,
    abandoned,
    writing() {
      writing = true;
    },
    stop() {
      drain.abort();
      for (const off of unsubscribe) off();
    },
  };
}

const INTERRUPTED = Symbol('interrupted');

/**
 * `work` (reads, the prompt), ended by an interrupt: nothing was written
 * yet, so the command stops at once with `message` and abandons the reads in flight.
 */
export async function beforeWrites<T>(work: Promise<T>, interrupt: InterruptWatch, message: string, onInterrupt: () => void = () => {}): Promise<T> {
  const { signal } = interrupt;
  let onAbort = (): void => {};
  const interrupted = new Promise<typeof INTERRUPTED>((resolve) => {
    onAbort = () => resolve(INTERRUPTED);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const result = await Promise.race([work, interrupted]).finally(() => signal.removeEventListener('abort', onAbort));
  if (result !== INTERRUPTED) return result as T;
  work.catch(() => {});
  onInterrupt();
  throw new UserError(message, { exitNow: true });
}

/**
 * A read-only command (plan, drift) that a signal ends at once, saying so
 * rather than dying mid-line: it has changed nothing.
 */
export async function readOnlyUntilInterrupted<T>(runtime: Runtime, message: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = watchInterrupts(runtime);
  try {
    return await beforeWrites(work(interrupt.signal), interrupt, message);
  } finally {
    interrupt.stop();
  }
}
