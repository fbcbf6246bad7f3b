// The one file that touches `process`: it builds the Runtime, wires argv to
// commands (loaded lazily by dispatch.ts, so `validate` never loads got), and
// turns results and errors into an exit code. bin/hscc.js answers `--version`
// itself, before this module loads.
import { createRequire } from 'node:module';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { escapeControlCharactersByLine, escapeJsonControls } from '../control-characters.js';
import { failureOf, isUserError, UserError } from '../errors.js';
import type { ReportFailure } from '../plan/model.js';
import type { CommandResult, OutputStream, Runtime, SignalName } from '../runtime/runtime.js';
import { nodeDebugProblem } from '../runtime/node-debug.js';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import { buildProgram } from './program.js';
import { COMMANDS_THAT_WRITE, createDispatch } from './dispatch.js';

/** Entry point used by bin/hscc.js. */
export async function main(argv: readonly string[]): Promise<void> {
  const args = argv.slice(2);
  const extraSecrets: string[] = [];
  const runtime = createProcessRuntime(extraSecrets);
  const jsonRequested = args.includes('--json') || args.includes('--format=json') || args.some((arg, i) => arg === '--format' && args[i + 1] === 'json');
  const debugProblem = nodeDebugProblem(process.env);
  if (debugProblem !== undefined) {
    process.exitCode = reportFailure(new UserError(debugProblem), runtime, jsonRequested);
    return;
  }
  // Requests abandoned (a second interrupt, or reads cut short before apply's first write) must not keep the process alive.
  let exitNow = false;
  try {
    let result: CommandResult = { exitCode: 0 };
    const program = buildProgram(runtime, {
      dispatch: createDispatch(runtime, (name) => (finishWithoutReader = COMMANDS_THAT_WRITE.has(name))),
      onResult: (r) => (result = r),
      registerSecret: (value) => extraSecrets.push(value),
    });
    await program.parseAsync([...args], { from: 'user' });
    process.exitCode = result.exitCode;
    exitNow = result.exitNow === true;
  } catch (error) {
    process.exitCode = reportFailure(error, runtime, jsonRequested);
    exitNow = isUserError(error) && error.exitNow;
  }
  if (exitNow) process.stdout.write('', () => process.exit(process.exitCode));
}

/** The `{"error": …}` document a failed `--json` run prints; the message may quote HubSpot's or a webhook's text. */
function writeJsonError(runtime: Runtime, error: ReportFailure): void {
  runtime.stdout.write(`${escapeJsonControls(JSON.stringify({ error }, null, 2))}\n`);
}

function reportFailure(error: unknown, runtime: Runtime, json: boolean): number {
  if (isCommanderError(error)) {
    // commander already printed its message (or the help text) on stderr.
    if (error.exitCode === 0) return 0;
    // No command: commander printed the help and says only "(outputHelp)".
    const message = error.code === 'commander.help' ? 'no command given; run `hscc --help` to list them' : error.message.replace(/^error: /, '');
    if (json) writeJsonError(runtime, { message });
    return 1;
  }
  if (isUserError(error)) {
    if (json && !error.inReport) {
      writeJsonError(runtime, failureOf(error));
    }
    const hint = error.hint === undefined ? '' : `\nhint: ${error.hint}`;
    // Aggregated messages already name each app's correlationId.
    const id = error.correlationId === undefined || error.message.includes(error.correlationId) ? '' : ` (correlationId ${error.correlationId})`;
    // Messages quote input and servers, escaped where they are built; this is the last line of defence for a terminal.
    const text = escapeControlCharactersByLine(`error: ${error.message}${id}${hint}`);
    runtime.stderr.write(`${text}\n`);
    return 1;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) writeJsonError(runtime, { message: 'internal error' });
  runtime.stderr.write(`hscc: internal error (a bug, please report it with this output):\n${detail}\n`);
  return 1;
}

/** Commander's own errors carry a `commander.*` code (class names do not survive bundling). */
function isCommanderError(error: unknown): error is { exitCode: number; code: string; message: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { code, exitCode, message } = error as { code?: unknown; exitCode?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number' && typeof message === 'string';
}

function colorAllowed(isTTY: boolean): boolean {
  const env = process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  // FORCE_COLOR=0 means no colour, as Node and supports-color read it.
  if (env.FORCE_COLOR === '0') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  return isTTY && env.TERM !== 'dumb';
}

/** Secrets are scrubbed at the last step before any byte leaves the process. */
function createProcessRuntime(extraSecrets: string[]): Runtime {
  const envSecrets = secretValuesFrom(process.env);
  let scrub = createScrubber(envSecrets);
  let known = 0;
  const scrubbed = (text: string): string => {
    if (extraSecrets.length !== known) {
      known = extraSecrets.length;
      scrub = createScrubber([...envSecrets, ...extraSecrets]);
    }
    return scrub(text);
  };
  // Getters: Node builds process.stdout/stderr/stdin on first access (a few
  // milliseconds each, with node:net for a pipe or TTY), so a stream nothing
  // writes to or asks about is never built; stdin only when a prompt needs it.
  const stream = (get: () => NodeJS.WriteStream): OutputStream => {
    let guarded: NodeJS.WriteStream | undefined;
    const target = () => (guarded ??= guardStream(get()));
    return {
      write: (text) => {
        const out = target();
        if (!readerGone.has(out)) out.write(scrubbed(text));
      },
      get isTTY() {
        return target().isTTY === true;
      },
      get color() {
        return colorAllowed(target().isTTY === true);
      },
      get columns() {
        return target().columns;
      },
      get redraws() {
        return process.env.TERM !== 'dumb';
      },
    };
  };
  return {
    stdout: stream(() => process.stdout),
    stderr: stream(() => process.stderr),
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    // A plain copy: every process.env read is a getenv through a C++
    // interceptor (~10 µs), and the client reads a credential per request.
    env: { ...process.env },
    cwd: process.cwd(),
    now: () => Date.now(),
    sleep: (ms, signal) => sleepFor(ms, undefined, signal === undefined ? {} : { signal }),
    random: () => Math.random(),
    confirm: async (question) => {
      // Loaded on demand, and by require: the bundle runs in vm.Script, where
      // import() would need Node's experimental dynamic-import hook.
      const { createInterface } = createRequire(import.meta.url)('node:readline') as typeof import('node:readline');
      // What was typed before the question appeared (a `yes` typed ahead while
      // apply read HubSpot) is no answer to a plan nobody saw yet.
      await discardTypeAhead(process.stdin);
      // On stdout, after the plan: `2>errors.txt` must not hide the question.
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      // Ctrl-C (SIGINT on the line) and Ctrl-D (end of input) both close the prompt: a "no".
      return new Promise<boolean>((resolve) => {
        let answered = false;
        rl.on('SIGINT', () => rl.close());
        rl.on('close', () => {
          if (answered) return;
          process.stdout.write('\n');
          resolve(false);
        });
        rl.question(question, (answer) => {
          answered = true;
          rl.close();
          resolve(answer.trim() === 'yes');
        });
      });
    },
    onSignal: (signal: SignalName, handler: () => void) => {
      process.on(signal, handler);
      return () => void process.off(signal, handler);
    },
  };
}

/**
 * Reads and drops what the terminal already holds: libuv reads a readable
 * stdin in the poll phase, and the second setImmediate runs after one.
 */
function discardTypeAhead(stdin: NodeJS.ReadStream): Promise<void> {
  return new Promise((resolve) => {
    const drop = (): void => {};
    stdin.on('data', drop);
    stdin.resume();
    setImmediate(() =>
      setImmediate(() => {
        stdin.off('data', drop);
        stdin.pause();
        resolve();
      }),
    );
  });
}

/** Set when the command that runs writes (apply, fixtures): it finishes even when its reader is gone. */
let finishWithoutReader = false;
/** Streams whose reader went away while such a command ran: what it still prints is dropped. */
const readerGone = new WeakSet<NodeJS.WriteStream>();

/**
 * Output-stream failures are not bugs: a reader that went away (`| head`)
 * ends a read-only command quietly, as other CLIs do, while apply and
 * fixtures finish their writes without output and exit with how they went
 * (stopping them would leave half of it done and say 0); any other write
 * error (a full disk) is one clear line on stderr and exit 1. Without a
 * listener Node would crash with "Unhandled 'error' event".
 */
function guardStream(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' && finishWithoutReader) {
      readerGone.add(stream);
      return;
    }
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    const name = stream === process.stdout ? 'standard output' : 'standard error';
    if (stream !== process.stderr) process.stderr.write(`error: cannot write to ${name}: ${error.code ?? error.message}${error.code === 'ENOSPC' ? ' (no space left on device)' : ''}\n`);
    process.exit(1);
  });
  return stream;
}
