// `hscc emulator`: runs the local HubSpot API emulator until SIGINT/SIGTERM.
import { isIPv4 } from 'node:net';
import { UserError } from '../errors.js';
import { HUBSPOT_DEFAULT_RATE_LIMIT } from '../emulator/rate-limit.js';
import { startEmulator, type EmulatorCredentials } from '../emulator/server.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import type { EmulatorOptions } from './options.js';

/**
 * The options of `hscc emulator`. Beyond EmulatorOptions: `--read-only-token`
 * and `--rate-limit none` (no limit, no rate-limit headers); an omitted
 * `--rate-limit` means HubSpot's default, 100 requests per 10 s.
 */

/**
 * The address to bind for a loopback host, or undefined for any other host:
 * the emulator accepts any credential, so it must never face a network.
 * `localhost` binds 127.0.0.1 so the printed URL is unambiguous.
 */
export function loopbackAddress(host: string): string | undefined {
  const normalized = host.trim().toLowerCase();
  if (normalized === 'localhost') return '127.0.0.1';
  if (normalized === '::1' || normalized === '[::1]') return '::1';
  if (isIPv4(normalized) && normalized.startsWith('127.')) return normalized;
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Flags win over the environment; with neither, any non-empty credential is accepted. */
export function emulatorCredentials(options: EmulatorOptions, env: Runtime['env']): EmulatorCredentials {
  return {
    apiKey: nonEmpty(options.apiKey) ?? nonEmpty(env.HUBSPOT_DEVELOPER_API_KEY),
    accessToken: nonEmpty(options.accessToken) ?? nonEmpty(env.HUBSPOT_ACCESS_TOKEN),
    // No environment fallback: a read-only token is only ever a test's deliberate choice.
    readOnlyToken: nonEmpty(options.readOnlyToken),
  };
}

/**
 * Serves the emulator on a loopback address. Prints the base URL as the first
 * stdout line once listening, one access-log line per request on stderr, and
 * on SIGINT/SIGTERM closes gracefully (saving `--state`) and exits 0.
 */
export async function runEmulator(options: EmulatorOptions, runtime: Runtime): Promise<CommandResult> {
  const host = loopbackAddress(options.host);
  if (host === undefined) {
    throw new UserError(`--host ${options.host} is not a loopback address; the emulator only listens on 127.0.0.0/8, ::1 or localhost.`);
  }
  const credentials = emulatorCredentials(options, runtime.env);
  const rateLimit = options.rateLimit === 'none' ? undefined : (options.rateLimit ?? HUBSPOT_DEFAULT_RATE_LIMIT);
  const emulator = await startEmulator({
    host,
    port: options.port,
    credentials,
    rateLimit,
    latencyMs: options.latencyMs,
    faults: options.faults,
    statePath: options.state,
    now: () => runtime.now(),
    log: (line) => runtime.stderr.write(`${line}\n`),
  });

  // Scripts read this line to find the emulator; nothing may precede it.
  runtime.stdout.write(`${emulator.url}\n`);
  const accepts = (name: string, value: string | undefined): string =>
    value === undefined ? `any ${name}` : `the configured ${name}`;
  const state = options.state === undefined ? '' : `; state in ${options.state}`;
  const readOnly = credentials.readOnlyToken === undefined ? '' : ', and the configured read-only token';
  const limit = rateLimit === undefined ? 'no rate limit' : `rate limit ${rateLimit.max} per ${rateLimit.intervalMs} ms`;
  runtime.stderr.write(
    `hscc emulator listening on ${emulator.url} (accepting ${accepts('API key', credentials.apiKey)} and ` +
      `${accepts('access token', credentials.accessToken)}${readOnly}; ${limit}${state}). Press Ctrl+C to stop.\n`,
  );

  const signal = await new Promise<string>((resolve) => {
    const unsubscribe = [
      runtime.onSignal('SIGINT', () => finish('SIGINT')),
      runtime.onSignal('SIGTERM', () => finish('SIGTERM')),
    ];
    function finish(name: string): void {
      for (const off of unsubscribe) off();
      resolve(name);
    }
  });
  runtime.stderr.write(`hscc emulator: ${signal} received, shutting down.\n`);
  await emulator.close();
  return { exitCode: 0 };
}
