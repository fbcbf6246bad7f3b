// Commander wiring only: every command and flag declared in one place, argv
// normalised into the typed option bags of commands/options.ts, and each
// command module imported only when it runs.
import { Command, InvalidArgumentError, Option } from 'commander';
import { API_VERSIONS, type ApiVersion } from '../config/model.js';
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
  ValidateOptions,
} from '../commands/options.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { VERSION } from '../generated/version.js';

/** Each command's name and the option bag it receives. */
export interface CommandOptionsMap {
  validate: ValidateOptions;
  plan: PlanOptions;
  apply: ApplyOptions;
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
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${n}.`);
    return n;
  };
}

const parsePort = parseInteger(0, 65_535);
const parsePositive = parseInteger(1, 2_147_483_647);
const parseAppId = parseInteger(1, 2_147_483_647);

function parseTimeout(value: string): number {
  // Accept "30s", "500ms", or a bare number of seconds.
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError(`expected a duration such as 30s or 500ms, got "${value}".`);
  const amount = Number(match[1]);
  const ms = match[2] === 'ms' ? amount : amount * 1000;
  if (ms <= 0) throw new InvalidArgumentError('the timeout must be positive.');
  return ms;
}

function parseRateLimit(value: string): RateLimitSpec {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError(`expected N/INTERVAL_MS such as 100/10000, got "${value}".`);
  const max = Number(match[1]);
  const intervalMs = Number(match[2]);
  if (max < 1 || intervalMs < 1) throw new InvalidArgumentError('both the limit and the interval must be positive.');
  return { max, intervalMs };
}

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

function addGlobalOptions(command: Command): Command {
  return command
    .option('--json', 'print one machine-readable JSON document on stdout')
    .option('--base-url <url>', 'HubSpot API base URL (default: $HUBSPOT_API_BASE_URL or https://api.hubapi.com)')
    .option('--timeout <duration>', 'per-request timeout, e.g. 30s or 500ms', parseTimeout);
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
  return command.addOption(
    new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
  );
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
  if (raw.json === true) return 'json';
  return (raw.format as OutputFormat | undefined) ?? 'text';
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
    .description('Manage HubSpot help-desk third-party calling channel connections as code.')
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

  addConfigInput(addGlobalOptions(program.command('validate')))
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
    .action(
      run(async (raw, command) => {
        const options: ApplyOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          ...fleet(raw),
          autoApprove: raw.autoApprove === true,
          format: formatOf(raw),
        };
        return hooks.dispatch('apply', options);
      }),
    );

  addFormat(addFleet(addConfigInput(addGlobalOptions(program.command('drift')))))
    .description('read-only drift check for cron: exit 0 in sync, 2 drift, 1 error')
    .option('--probe', "also call each live webhook and compare its numbers")
    .option('--portal-id <id>', 'portalId sent when probing', parsePositive, 1)
    .option('--user-id <id>', 'userId sent when probing', parsePositive, 1)
    .action(
      run(async (raw, command) => {
        const options: DriftOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          ...fleet(raw),
          probe: raw.probe === true,
          portalId: raw.portalId as number,
          userId: raw.userId as number,
          format: formatOf(raw),
        };
        return hooks.dispatch('drift', options);
      }),
    );

  addGlobalOptions(program.command('import'))
    .description("print a config document for an existing app's settings")
    .requiredOption('--app-id <id>', 'the HubSpot app ID', parseAppId)
    .addOption(new Option('--api-version <version>', 'API flavour').argParser(parseApiVersion).default('v3'))
    .option('--probe', 'fill phoneNumbers from the live webhook')
    .option('--portal-id <id>', 'portalId sent when probing', parsePositive, 1)
    .option('--user-id <id>', 'userId sent when probing', parsePositive, 1)
    .action(
      run(async (raw) => {
        const options: ImportOptions = {
          ...globals(raw),
          appId: raw.appId as number,
          apiVersion: raw.apiVersion as ApiVersion,
          probe: raw.probe === true,
          portalId: raw.portalId as number,
          userId: raw.userId as number,
        };
        return hooks.dispatch('import', options);
      }),
    );

  addConfigInput(addGlobalOptions(program.command('fixtures')))
    .description('write webhook response fixtures DIR/<appId>.json')
    .option('--out-dir <dir>', 'where fixtures go', 'fixtures')
    .option('--check', 'write nothing; show a diff and exit 1 when a fixture is stale')
    .action(
      run(async (raw, command) => {
        const options: FixturesOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          outDir: raw.outDir as string,
          check: raw.check === true,
        };
        return hooks.dispatch('fixtures', options);
      }),
    );

  addConfigInput(addGlobalOptions(program.command('serve')))
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

  addConfigInput(addGlobalOptions(program.command('probe')))
    .description('call each live webhook as HubSpot would and check its answer')
    .option('--portal-id <id>', 'portalId sent in the request', parsePositive, 1)
    .option('--user-id <id>', 'userId sent in the request', parsePositive, 1)
    .action(
      run(async (raw, command) => {
        const options: ProbeOptions = {
          ...globals(raw),
          ...configInput(paths(command), raw),
          portalId: raw.portalId as number,
          userId: raw.userId as number,
        };
        return hooks.dispatch('probe', options);
      }),
    );

  addGlobalOptions(program.command('emulator'))
    .description('run a local emulator of the HubSpot channel-connection settings API')
    .option('--port <n>', 'port (0 picks a free one)', parsePort, 4010)
    .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
    .option('--state <file>', 'load state from and save it to this JSON file')
    .option('--api-key <key>', 'developer API key to accept (default: $HUBSPOT_DEVELOPER_API_KEY, else any)')
    .option('--access-token <token>', 'bearer token to accept (default: $HUBSPOT_ACCESS_TOKEN, else any)')
    .option('--rate-limit <n/ms>', 'requests allowed per interval, e.g. 100/10000', parseRateLimit)
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
          rateLimit: raw.rateLimit as RateLimitSpec | undefined,
          latencyMs: raw.latency as number,
          faults: (raw.fault as string[] | undefined) ?? [],
        };
        if (options.apiKey !== undefined) hooks.registerSecret(options.apiKey);
        if (options.accessToken !== undefined) hooks.registerSecret(options.accessToken);
        return hooks.dispatch('emulator', options);
      }),
    );

  return program;
}
