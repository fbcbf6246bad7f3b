import type { Runtime, SignalName } from '../../src/runtime/runtime.js';

export interface MemoryRuntime extends Runtime {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
  /** Milliseconds passed to sleep(), in call order. */
  sleeps: number[];
  /** Fires a signal at the handlers registered through onSignal. */
  emit(signal: SignalName): void;
}

export interface MemoryRuntimeOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  tty?: boolean;
  /** Answers given to confirm(), in order; defaults to "no". */
  answers?: string[];
  /** Starting epoch ms for now(); sleep() advances it. */
  now?: number;
  /** Colour allowed per stream; default none. */
  color?: { stdout?: boolean; stderr?: boolean };
  /** Sleep for real (for tests that need real servers to make progress). */
  realSleep?: boolean;
}

/** A Runtime that records output and never waits unless asked to. */
export function memoryRuntime(options: MemoryRuntimeOptions = {}): MemoryRuntime {
  let stdout = '';
  let stderr = '';
  let clock = options.now ?? Date.UTC(2026, 10, 24, 12, 0, 0);
  const answers = [...(options.answers ?? [])];
  const handlers = new Map<SignalName, Set<() => void>>();
  const sleeps: number[] = [];
  const tty = options.tty ?? false;
  return {
    stdout: { write: (text) => void (stdout += text), isTTY: tty, color: options.color?.stdout ?? false },
    stderr: { write: (text) => void (stderr += text), isTTY: tty, color: options.color?.stderr ?? false },
    stdinIsTTY: tty,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => (options.realSleep ? Date.now() : clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      if (options.realSleep) await new Promise((resolve) => setTimeout(resolve, ms));
      else clock += ms;
    },
    random: () => 0.5,
    confirm: async () => (answers.shift() ?? 'no') === 'yes',
    onSignal: (signal, handler) => {
      const set = handlers.get(signal) ?? new Set();
      set.add(handler);
      handlers.set(signal, set);
      return () => void set.delete(handler);
    },
    out: () => stdout,
    err: () => stderr,
    sleeps,
    emit: (signal) => {
      for (const handler of handlers.get(signal) ?? []) handler();
    },
  };
}
