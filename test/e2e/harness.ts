// Runs the real built CLI (bin/hscc.js) as a child process, against the
// project's own emulator. No fixed sleeps: services are ready when they
// print their base URL as the first stdout line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'bin', 'hscc.js');

/** Credentials used by every e2e run; the tests assert they never appear in output. */
export const API_KEY = 'e2e-developer-key-5f1c2a9b7d';
export const ACCESS_TOKEN = 'e2e-access-token-0b9e8d7c6a';
export const CLIENT_SECRET = 'e2e-client-secret-3c4d5e6f7a';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without the developer's own HubSpot variables or CI summaries. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('HUBSPOT_') || key === 'GITHUB_STEP_SUMMARY' || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs `hscc ...args` to completion. */
export function runCli(args: readonly string[], options: { env: Record<string, string>; cwd?: string; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs `hscc ...args` and closes its stdout after the first chunk, as
 * `| head -c` does; resolves with its exit code and stderr.
 */
export async function runWithReaderGone(args: readonly string[], options: { env: Record<string, string>; cwd?: string }): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  return { code: await closed, stderr };
}

export interface Service {
  url: string;
  child: ChildProcess;
  /** Everything the service wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts a long-running command (`emulator`, `serve`) and waits for its base URL line. */
export function startService(args: readonly string[], options: { env: Record<string, string>; cwd?: string }): Promise<Service> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const onExit = (code: number | null) => reject(new Error(`hscc ${args[0]} exited before it was ready (${code}): ${stderr}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      child.off('exit', onExit);
      resolve({
        url: line.trim(),
        child,
        stderr: () => stderr,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Starts `hscc emulator --port 0` with the e2e credentials and extra flags. */
export function startEmulator(flags: readonly string[] = []): Promise<Service> {
  // HubSpot's default limit (100 per 10 s) would only slow tests that do not study pacing.
  const limit = flags.includes('--rate-limit') ? [] : ['--rate-limit', 'none'];
  return startService(['emulator', '--port', '0', '--api-key', API_KEY, '--access-token', ACCESS_TOKEN, ...limit, ...flags], {
    env: baseEnv(),
  });
}

/** The environment a CLI run against `emulator` needs. */
export function envFor(emulator: Service, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return baseEnv({
    HUBSPOT_API_BASE_URL: emulator.url,
    HUBSPOT_DEVELOPER_API_KEY: API_KEY,
    HUBSPOT_ACCESS_TOKEN: ACCESS_TOKEN,
    HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
    ...extra,
  });
}

/** One resource as the emulator stores it: its fields plus timestamps. */
export type StoredJson = Record<string, string | number | boolean>;

/** The emulator's state through its control API: appId → resource name → stored fields. */
export async function emulatorState(emulator: Service): Promise<Record<string, Record<string, StoredJson>>> {
  const response = await fetch(`${emulator.url}/__emulator/state`);
  return ((await response.json()) as { apps: Record<string, Record<string, StoredJson>> }).apps;
}

/** The channel connection of each app in the emulator (the resource most tests use). */
export async function channelConnections(emulator: Service): Promise<Record<string, StoredJson>> {
  const connections: Record<string, StoredJson> = {};
  for (const [appId, resources] of Object.entries(await emulatorState(emulator))) {
    const connection = resources['channel-connection'];
    if (connection !== undefined) connections[appId] = connection;
  }
  return connections;
}

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  appId: number | null;
  resource: string | null;
  auth: string | null;
  status: number | null;
  wrote: boolean;
}

/** Every API request the emulator received since start or reset, in order. */
export async function requestLog(emulator: Service): Promise<RequestLogEntry[]> {
  const response = await fetch(`${emulator.url}/__emulator/request-log`);
  return ((await response.json()) as { requests: RequestLogEntry[] }).requests;
}

/** Calls the emulator's control API. */
export async function controlEmulator(emulator: Service, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`emulator control ${method} ${path}: ${response.status} ${await response.text()}`);
}

/** True when any of the test secrets appears in the text (they hold no character that URL or JSON encoding would change). */
export function leaksSecret(text: string): boolean {
  return [API_KEY, ACCESS_TOKEN, CLIENT_SECRET].some((secret) => text.includes(secret));
}

/** One config document (one app) for a test; numbers get friendly names `Line N`. */
export function appDocument(appId: number, options: { url?: string; isReady?: boolean; numbers?: string[]; apiVersion?: string } = {}): string {
  const numbers = options.numbers ?? [];
  const list = numbers.length === 0 ? ' []' : `\n${numbers.map((n, i) => `  - e164PhoneNumber: "${n}"\n    friendlyName: Line ${i + 1}`).join('\n')}`;
  return [
    `appId: ${appId}`,
    ...(options.apiVersion === undefined ? [] : [`apiVersion: "${options.apiVersion}"`]),
    'settings:',
    `  url: ${options.url ?? `https://calls.example.com/${appId}`}`,
    `  isReady: ${options.isReady ?? true}`,
    `phoneNumbers:${list}`,
    '',
  ].join('\n');
}

/** A loopback HTTP server answering every request with `handler` (a stand-in for a proxy, a hung host, an echoing server). */
export async function startStub(handler: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}
