// `hscc serve`: run the webhook from the config until SIGTERM/SIGINT;
// SIGHUP reloads the config without dropping requests.
import { escapeControlCharacters } from '../control-characters.js';
import { UserError } from '../errors.js';
import type { CommandResult, Runtime } from '../runtime/runtime.js';
import { redactUrlValue, urlWithoutUserinfo } from '../runtime/secrets.js';
import { createLineBuffer } from '../webhook/line-buffer.js';
import { startWebhookServer } from '../webhook/server.js';
import { readConfigForCommand } from './config-input.js';
import type { LoadApps } from '../webhook/load-apps.js';
import type { ServeOptions } from './options.js';

const INSECURE_WARNING = [
  '',
  '!!! WARNING: --insecure-skip-verify: HubSpot signatures are NOT checked. !!!',
  '!!! Anyone who can reach this server gets the configured phone numbers. !!!',
  '!!! Use it for local testing only, never in production.                 !!!',
  '',
].join('\n');

/**
 * Serves until SIGTERM or SIGINT, then finishes in-flight requests and
 * resolves with exit 0. The base URL is the first line on stdout.
 */
export async function runServe(options: ServeOptions, runtime: Runtime, loadApps: LoadApps = readConfigForCommand): Promise<CommandResult> {
  const publicUrl = options.publicUrl === undefined ? undefined : checkPublicUrl(options.publicUrl);
  const loaded = await loadApps(options, runtime);
  // One access-log line per request, written in batches (see createLineBuffer).
  const lines = createLineBuffer((text) => runtime.stderr.write(text));
  const log = lines.log;
  if (options.insecureSkipVerify) runtime.stderr.write(INSECURE_WARNING);
  const server = await startWebhookServer({
    apps: loaded.apps,
    env: runtime.env,
    host: options.host,
    port: options.port,
    publicUrl,
    insecureSkipVerify: options.insecureSkipVerify,
    now: () => runtime.now(),
    log,
  });
  runtime.stdout.write(`${server.url}\n`);
  log(`serving ${server.appCount()} app(s) on ${server.url}${publicUrl === undefined ? '' : ` (signed URL ${escapeControlCharacters(publicUrl)})`}; SIGHUP reloads, SIGTERM stops`);

  return new Promise<CommandResult>((resolve) => {
    let stopping = false;
    // Reloads run one after another, so two quick SIGHUPs cannot race.
    let reloads: Promise<void> = Promise.resolve();
    const reload = async (): Promise<void> => {
      // The loader writes its diagnostics straight to stderr: keep lines in order.
      lines.flush();
      try {
        const next = await loadApps(options, runtime);
        if (stopping) return;
        const result = server.reload(next.apps);
        if (result.ok) log(`reloaded the config: serving ${result.appCount} app(s)`);
        else log(`reload failed, still serving the previous config: ${result.errors.join('; ')}`);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        log(`reload failed, still serving the previous config: ${why}`);
      }
    };
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: finishing in-flight requests, then stopping`);
      for (const off of unsubscribe) off();
      void server.close().then(() => {
        log('stopped');
        lines.flush();
        resolve({ exitCode: 0 });
      });
    };
    const unsubscribe = [
      runtime.onSignal('SIGTERM', () => stop('SIGTERM')),
      runtime.onSignal('SIGINT', () => stop('SIGINT')),
      runtime.onSignal('SIGHUP', () => {
        reloads = reloads.then(reload);
      }),
    ];
  });
}

/** --public-url must be the absolute http(s) URL HubSpot calls; it is signed verbatim. */
function checkPublicUrl(value: string): string {
  // The userinfo is a credential: never echoed, and HubSpot signs URLs without one.
  const shown = redactUrlValue(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`--public-url must be an absolute URL, got "${shown}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`--public-url must be an http(s) URL, got "${shown}".`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError(`--public-url must not hold a user name or password, got "${shown}".`, { hint: `pass "${urlWithoutUserinfo(url)}"` });
  }
  return value;
}
