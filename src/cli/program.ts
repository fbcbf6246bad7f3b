// Commander wiring only: every command and flag declared in one place, argv
// normalised into the typed option bags of commands/options.ts, and each
// command module imported only when it runs.
import { Command, InvalidArgumentError, Option } from 'commander';
import { API_VERSIONS, AUTH_MODES, MAX_ACCOUNT_ID, type ApiVersion, type AuthMode } from '../config/model.js';
import type {
  ApplyOptions,
  DriftOptions,
  EmulatorOptions,
  FixturesOptions,
  GlobalOptions,
  ImportOptions,
  OutputFormat,
  PlanOptions,
  ProbeOptions,
  RateLimitSpec,
  ServeOptions,
  ShowOptions,
  ValidateOptions,
} from '../commands/options.js';
import { parseRateLimitOption } from '../emulator/rate-limit.js';
import { UserError } from '../errors.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { VERSION } from '../generated/version.js';

/** Each command's name and the option bag it receives. */
export interface CommandOptionsMap {
  validate: ValidateOptions;
  plan: PlanOptions;
  apply: ApplyOptions;
  show: ShowOptions;
  drift: DriftOptions;
  import: ImportOptions;
  fixtures: FixturesOptions;
  serve: ServeOptions;
  probe: ProbeOptions;
  emulator: EmulatorOptions;
}

export type CommandName = keyof CommandOptionsMap;

export type Dispatch = <N extends CommandName>(name: N, options: CommandOptionsMap[N]) => Promise<CommandResult>;

export interface ProgramHooks {
  /** Runs a command; main.ts imports its module lazily, tests record the call. */
  dispatch: Dispatch;
  onResult(result: CommandResult): void;
  /** Values that must be scrubbed from output from now on (e.g. --api-key). */
  registerSecret(value: string): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PARALLELISM = 10;

function parseInteger(min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer, got "${value}".`);
    const n = Number(value);
    // The text as given: past 2^53 the number itself is no longer what was typed.
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${value.trim()}.`);
    return n;
  };
}

const parsePort = parseInteger(0, 65_535);
const parsePositive = parseInteger(1, 2_147_483_647);
const parseAppId = parseInteger(1, 2_147_483_647);
/** Portal and user ids, as the config declares them. */
const parseAccountId = parseInteger(1, MAX_ACCOUNT_ID);

/** Node's timers overflow past 2^31-1 ms; a day is more than any request needs. */
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `500ms`, `30s`, `2m`, or a bare number of seconds. */
export function parseTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError(`expected a duration such as 500ms, 30s or 2m, got "${value}".`);
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 's'] as number));
  if (ms <= 0) throw new InvalidArgumentError('the timeout must be positive.');
  if (ms > MAX_TIMEOUT_MS) throw new InvalidArgumentError(`the timeout must be at most ${MAX_TIMEOUT_MS / 60_000}m (a day), got "${value}".`);
  return ms;
}

function parseRateLimit(value: string): RateLimitSpec | 'none' {
  const parsed = parseRateLimitOption(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.problem);
  return parsed.value;
}

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** Which global flags a command lists: only those that mean something to it. */
type GlobalFlag = 'json' | 'base-url' | 'timeout';
const REMOTE: readonly GlobalFlag[] = ['json', 'base-url', 'timeout'];

function addGlobalOptions(command: Command, flags: readonly GlobalFlag[] = REMOTE): Command {
  if (flags.includes('json')) command.option('--json', 'print one machine-readable JSON document on stdout');
  if (flags.includes('base-url')) {
    command.option('--base-url <url>', 'HubSpot API base URL (default: $HUBSPOT_API_BASE_URL or https://api.hubapi.com)');
  }
  if (flags.includes('timeout')) command.option('--timeout <duration>', 'timeout per request attempt, e.g. 500ms, 30s or 2m (default 30s)', parseTimeout);
  return command;
}

function addConfigInput(command: Command): Command {
  return command
    .argument('[paths...]', 'config files or globs (default: channel-connection.yaml)')
    .option('--strict', 'treat warnings as errors');
}

function addFleet(command: Command): Command {
  return command
    .option('--parallelism <n>', 'apps handled concurrently', parsePositive, DEFAULT_PARALLELISM)
    .option('--target <appId>', 'limit the run to this app (repeatable)', collect(parseAppId));
}

function addFormat(command: Command): Command {
  // No default: `--json --format markdown` must be told apart from `--json`.
  return command.addOption(new Option('--format <format>', 'output format (default: text)').choices(['text', 'json', 'markdown']));
}

type Raw = Record<string, unknown>;

function globals(raw: Raw): GlobalOptions {
  return {
    json: raw.json === true || raw.format === 'json',
    baseUrl: typeof raw.baseUrl === 'string' ? raw.baseUrl : undefined,
    timeoutMs: typeof raw.timeout === 'number' ? raw.timeout : DEFAULT_TIMEOUT_MS,
  };
}

function formatOf(raw: Raw): OutputFormat {
  const format = raw.format as OutputFormat | undefined;
  if (raw.json === true) {
    if (format !== undefined && format !== 'json') throw new UsageError(`--json cannot be combined with --format ${format}.`);
    return 'json';
  }
  return format ?? 'text';
}

/** A flag combination commander cannot catch: exit 1 with a pointer to --help. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, { hint: 'run with --help for usage' });
  }
}

function configInput(paths: string[], raw: Raw) {
  return { paths, strict: raw.strict === true };
}

function fleet(raw: Raw) {
  return {
    parallelism: (raw.parallelism as number | undefined) ?? DEFAULT_PARALLELISM,
    targets: (raw.target as number[] | undefined) ?? [],
  };
}

function parseAuth(value: string): AuthMode {
  if (!(AUTH_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${AUTH_MODES.join(', ')}.`);
  return value as AuthMode;
}

function parseApiVersion(value: string): ApiVersion {
  if (!(API_VERSIONS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${API_VERSIONS.join(', ')}.`);
  }
  return value as ApiVersion;
}

/** Declares every command; the action handlers only normalise and delegate. */
export function buildProgram(runtime: Runtime, hooks: ProgramHooks): Command {
  const program = new Command('hscc');
  program
    .description("Manage a HubSpot app's calling extension as code: calling settings, recording settings and the help-desk channel connection.")
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
    });
  addGlobalOptions(program);

  const run = (action: (raw: Raw, command: Command) => Promise<CommandResult>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      hooks.onResult(await action(command.optsWithGlobals(), command));
    };
  const paths = (command: Command): string[] => (command.processedArgs[0] as string[] | undefined) ?? [];

  addConfigInput(addGlobalOptions(program.command('validate'), ['json']))
    .description('check config files offline (no network)')
    .action(
      run(async (raw, command) => {
        const options: ValidateOptions = { ...globals(raw), ...configInput(paths(command), raw) };
        return hooks.dispatch('validate', options);
      }),
    );

  addFormat(addFleet(addConfigInput(addGlobalOptions(program.command('plan')))))
    .description('read remote settings (GET only) and show what apply would change')
    .option('--out <file>', 'save the plan for `hscc apply FILE`')
    .option('--detailed-exitcode', 'exit 2 when changes are present')
    .action(
      run(async (raw, command) => {
        const options: PlanOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          ...fleet(raw),
          out: raw.out as string | undefined,
          detailedExitcode: raw.detailedExitcode === true,
          format: formatOf(raw),
        };
        return hooks.dispatch('plan', options);
      }),
    );

  addFormat(addFleet(addConfigInput(addGlobalOptions(program.command('apply')))))
    .description('make remote settings match the config, or apply a saved plan file exactly')
    .option('--auto-approve', 'skip the confirmation (required without a TTY)')
    .option('--config <paths...>', 'with a saved plan: refuse it unless these config files, as they are now, are what it was made from')
    .action(
      run(async (raw, command) => {
        const options: ApplyOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          ...fleet(raw),
          autoApprove: raw.autoApprove === true,
          format: formatOf(raw),
          config: (raw.config as string[] | undefined) ?? [],
        };
        return hooks.dispatch('apply', options);
      }),
    );

  addFormat(addGlobalOptions(program.command('show'), ['json']))
    .description('render a saved plan file (no network, no credentials)')
    .argument('<planfile>', 'a file written by `hscc plan --out`')
    .action(
      run(async (raw, command) => {
        const options: ShowOptions = { ...globals(raw), planFile: command.processedArgs[0] as string, format: formatOf(raw) };
        return hooks.dispatch('show', options);
      }),
    );

  addFormat(addFleet(addConfigInput(addGlobalOptions(program.command('drift')))))
    .description('read-only drift check for cron: exit 0 in sync, 2 drift, 1 error')
    .option('--probe', 'also call each live webhook, for every declared portal and user, and compare its numbers')
    .action(
      run(async (raw, command) => {
        const options: DriftOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          ...fleet(raw),
          probe: raw.probe === true,
          format: formatOf(raw),
        };
        return hooks.dispatch('drift', options);
      }),
    );

  addGlobalOptions(program.command('import'))
    .description('print a config document for an existing app: every resource it has')
    .requiredOption('--app-id <id>', 'the HubSpot app ID', parseAppId)
    .addOption(new Option('--api-version <version>', `API version (${API_VERSIONS.join(', ')})`).argParser(parseApiVersion).default('v3'))
    .addOption(new Option('--auth <auth>', `credential to use (${AUTH_MODES.join(', ')}; default: the version's)`).argParser(parseAuth))
    .option('--probe', 'fill phoneNumbers from the live webhook')
    .option('--portal-id <id>', 'with --probe, also ask for this portal: its numbers go under portals', parseAccountId)
    .option('--user-id <id>', 'with --probe and --portal-id, also ask for this user', parseAccountId)
    .action(
      run(async (raw) => {
        const options: ImportOptions = {
          ...globals(raw),
          appId: raw.appId as number,
          apiVersion: raw.apiVersion as ApiVersion,
          auth: raw.auth as AuthMode | undefined,
          probe: raw.probe === true,
          portalId: raw.portalId as number | undefined,
          userId: raw.userId as number | undefined,
        };
        return hooks.dispatch('import', options);
      }),
    );

  addConfigInput(addGlobalOptions(program.command('fixtures'), ['json']))
    .description('write webhook response fixtures DIR/<appId>.json, per portal and per user')
    .option('--out-dir <dir>', 'where fixtures go', 'fixtures')
    .option('--check', 'write nothing; show a diff and exit 1 when a fixture is stale')
    .option('--prune', 'remove fixture files of apps not declared in this run (with --check: report them)')
    .action(
      run(async (raw, command) => {
        const options: FixturesOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          outDir: raw.outDir as string,
          check: raw.check === true,
          prune: raw.prune === true,
        };
        return hooks.dispatch('fixtures', options);
      }),
    );

  addConfigInput(addGlobalOptions(program.command('serve'), ['json']))
    .description('serve the webhook from the config, verifying HubSpot signatures')
    .option('--port <n>', 'port (0 picks a free one)', parsePort, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the URL HubSpot calls, for signature checks behind a proxy')
    .option('--insecure-skip-verify', 'accept unsigned requests (local testing only)')
    .action(
      run(async (raw, command) => {
        const options: ServeOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          port: raw.port as number,
          host: raw.host as string,
          publicUrl: raw.publicUrl as string | undefined,
          insecureSkipVerify: raw.insecureSkipVerify === true,
        };
        return hooks.dispatch('serve', options);
      }),
    );

  addFleet(addConfigInput(addGlobalOptions(program.command('probe'), ['json', 'timeout'])))
    .description('call each live webhook as HubSpot would and check its answer')
    .option('--portal-id <id>', 'portalId sent in the request (default: every declared portal and user, and the default)', parseAccountId)
    .option('--user-id <id>', 'userId sent in the request', parseAccountId)
    .action(
      run(async (raw, command) => {
        const options: ProbeOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          ...fleet(raw),
          portalId: raw.portalId as number | undefined,
          userId: raw.userId as number | undefined,
        };
        return hooks.dispatch('probe', options);
      }),
    );

  addGlobalOptions(program.command('emulator'), ['json'])
    .description('run a local emulator of the HubSpot calling-extension settings API')
    .option('--port <n>', 'port (0 picks a free one)', parsePort, 4010)
    .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
    .option('--state <file>', 'load state from and save it to this JSON file')
    .option('--api-key <key>', 'developer API key to accept (default: $HUBSPOT_DEVELOPER_API_KEY, else any)')
    .option('--access-token <token>', 'bearer token to accept (default: $HUBSPOT_ACCESS_TOKEN, else any)')
    .option('--read-only-token <token>', 'bearer token accepted for reads only (scope developers-read)')
    .option('--rate-limit <n/ms|none>', 'requests allowed per interval and app (default 100/10000, as HubSpot)', parseRateLimit)
    .option('--latency <ms>', 'delay every response', parseInteger(0, 600_000), 0)
    .option('--fault <spec>', 'inject a fault, e.g. POST:2:500 (repeatable; see README)', collect(String))
    .action(
      run(async (raw) => {
        const options: EmulatorOptions = {
          ...globals(raw),
          port: raw.port as number,
          host: raw.host as string,
          state: raw.state as string | undefined,
          apiKey: raw.apiKey as string | undefined,
          accessToken: raw.accessToken as string | undefined,
          readOnlyToken: raw.readOnlyToken as string | undefined,
          rateLimit: raw.rateLimit as RateLimitSpec | 'none' | undefined,
          latencyMs: raw.latency as number,
          faults: (raw.fault as string[] | undefined) ?? [],
        };
        if (options.apiKey !== undefined) hooks.registerSecret(options.apiKey);
        if (options.accessToken !== undefined) hooks.registerSecret(options.accessToken);
        if (options.readOnlyToken !== undefined) hooks.registerSecret(options.readOnlyToken);
        return hooks.dispatch('emulator', options);
      }),
    );

  return program;
}
