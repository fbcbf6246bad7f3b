/** A text sink: stdout or stderr of the process, or a buffer in tests. */
export interface OutputStream {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Colour allowed on this stream (a TTY, no NO_COLOR; FORCE_COLOR only without NO_COLOR). */
  readonly color: boolean;
  /** The terminal's width in columns, when it is one that says. */
  readonly columns?: number | undefined;
  /** False for a terminal that cannot redraw a line (`TERM=dumb`): no `\r` redraws or erase sequences. */
  readonly redraws?: boolean;
}

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * The injected world every command runs in. Only `cli/main.ts` builds the
 * real one from `process`; tests build their own (see test/helpers).
 */
export interface Runtime {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Whether standard input is an interactive terminal (prompts allowed). */
  readonly stdinIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds (rejects early if the signal aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
  /** Asks a yes/no question on the terminal; true only for an exact "yes". */
  confirm(question: string): Promise<boolean>;
  /** Subscribes to a process signal; returns an unsubscribe function. */
  onSignal(signal: SignalName, handler: () => void): () => void;
}

/** What every command returns; only cli/main.ts turns it into process state. */
export interface CommandResult {
  exitCode: 0 | 1 | 2;
  /** Exit as soon as output is flushed, without waiting for abandoned requests (a second interrupt). */
  exitNow?: boolean;
}
