import type { IncomingHttpHeaders } from 'node:http';
import got, { RequestError, TimeoutError } from 'got';
import type { ManagedSettings } from '../config/model.js';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import { requireCredential } from './credentials.js';
import { isRecord } from '../is-record.js';
import { HubSpotError, type HttpMethod, type HubSpotErrorBody, readErrorBody } from './errors.js';
import { FLAVOURS } from './flavours.js';
import { createPacer, readRateLimitHeaders, type RateLimitSnapshot } from './pacer.js';
import { isRetryableNetworkCode, isRetryableStatus, MAX_ATTEMPTS, retryWait } from './retry.js';
import type { AppTarget, ChannelConnectionClient, ClientOptions, RemoteSettings } from './types.js';

/** One HTTP answer, body as text. */
interface Reply {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Attempt = { kind: 'reply'; reply: Reply } | { kind: 'network'; code: string; timedOut: boolean };

/** What a request ended with: a final answer, or a re-read showing an earlier write took effect. */
type Sent<T> = { kind: 'reply'; reply: Reply; json: unknown; attempts: number } | { kind: 'settled'; value: T };

/** A failure worth another attempt. */
interface Transient {
  /** Redacted description, e.g. `503 Service Unavailable`. */
  reason: string;
  /** The request may have taken effect (5xx, reset, timeout, unreadable 2xx), so a write is re-read first. */
  ambiguous: boolean;
  /** The answer, when there was one, for the final error. */
  reply?: Reply;
}

/**
 * Creates the channel-connection client: builds URLs and auth per flavour,
 * paces requests by HubSpot's rate-limit headers (one pacer shared by all
 * concurrent calls), retries transient failures itself, resolves writes whose
 * outcome is unknown by reading again, and redacts every secret from errors
 * and log lines.
 *
 * Precondition: `options.baseUrl` comes from `resolveBaseUrl`; credentials
 * were checked with `assertCredentials` (a missing one still fails the call).
 */
export function createHubSpotClient(options: ClientOptions): ChannelConnectionClient {
  const scrub = createScrubber(secretValuesFrom(options.env));
  const host = new URL(options.baseUrl).host;
  const pacer = createPacer({ now: options.now, sleep: options.sleep });
  const log = (line: string) => options.log?.(scrub(line));
  // got's own retry is off: the policy below needs the 429 body, the
  // re-read-before-retrying-a-write rule and the injected clock.
  const http = got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    timeout: { request: options.timeoutMs },
  });

  async function attemptOnce(url: string, method: HttpMethod, target: AppTarget, secret: string, body: unknown): Promise<Attempt> {
    const auth = FLAVOURS[target.apiVersion].authorize(secret);
    try {
      const response = await http(url, {
        method,
        headers: { accept: 'application/json', ...auth.headers },
        ...(Object.keys(auth.searchParams).length > 0 ? { searchParams: auth.searchParams } : {}),
        ...(body === undefined ? {} : { json: body }),
      });
      return {
        kind: 'reply',
        reply: { status: response.statusCode, statusText: response.statusMessage ?? '', headers: response.headers, body: response.body },
      };
    } catch (error) {
      // got's errors carry the request URL (with ?hapikey=) in their options:
      // keep only the code, never the error itself.
      if (error instanceof TimeoutError) return { kind: 'network', code: error.code, timedOut: true };
      if (error instanceof RequestError) return { kind: 'network', code: error.code, timedOut: false };
      const code = isRecord(error) && typeof error.code === 'string' ? error.code : 'ERR_REQUEST';
      return { kind: 'network', code, timedOut: false };
    }
  }

  function describeNetwork(code: string, timedOut: boolean): string {
    if (timedOut) return `timed out after ${options.timeoutMs / 1000}s`;
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return `connection to ${host} was interrupted (${code})`;
    return `could not reach ${host} (${code})`;
  }

  function describeReply(reply: Reply, body: HubSpotErrorBody): string {
    const head = body.category !== undefined ? `${reply.status} ${body.category}` : `${reply.status} ${reply.statusText}`.trim();
    const message = body.message === undefined ? '' : `: ${body.message}`;
    const details = body.details.length === 0 ? '' : ` (${body.details.slice(0, 3).join('; ')})`;
    return scrub(`${head}${message}${details}`);
  }

  function hintFor(target: AppTarget, status: number): string | undefined {
    const flavour = FLAVOURS[target.apiVersion];
    if (status === 401) return `HubSpot did not accept the ${flavour.credentialName} in ${flavour.credentialVariable} (apiVersion ${target.apiVersion}).`;
    if (status === 403) return `The ${flavour.credentialName} in ${flavour.credentialVariable} may not manage app ${target.appId}.`;
    return undefined;
  }

  /** The one place a failed answer becomes an error. */
  function replyFailure(target: AppTarget, method: HttpMethod, reply: Reply, attempts: number, exhausted: boolean): HubSpotError {
    const body = readErrorBody(reply.body, scrub);
    const after = exhausted ? ` after ${attempts} attempts` : '';
    const hint = hintFor(target, reply.status);
    return new HubSpotError(scrub(`app ${target.appId}: ${method} settings failed${after}: ${describeReply(reply, body)}`), {
      appId: target.appId,
      method,
      status: reply.status,
      attempts,
      ...(body.category === undefined ? {} : { category: body.category }),
      ...(body.correlationId === undefined ? {} : { correlationId: body.correlationId }),
      ...(hint === undefined ? {} : { hint }),
    });
  }

  /**
   * Sends one request, retrying transient failures. Before retrying a write
   * whose outcome is unknown, `settle` re-reads: a defined result means the
   * write already took effect and is returned instead of repeating it.
   * Answers that are not transient (2xx, 404, other 4xx) are returned as is.
   */
  async function send<T>(
    target: AppTarget,
    method: HttpMethod,
    body: Partial<ManagedSettings> | undefined,
    settle?: () => Promise<T | undefined>,
  ): Promise<Sent<T>> {
    const secret = requireCredential(target, options.env);
    const path = FLAVOURS[target.apiVersion].settingsPath(target.appId);
    const url = `${options.baseUrl}${path}`;
    for (let attempt = 1; ; attempt++) {
      const ticket = await pacer.acquire();
      const result = await attemptOnce(url, method, target, secret, body);
      const line = `${method} ${path} → ${result.kind === 'reply' ? result.reply.status : result.code} (${options.now() - ticket.startedAt} ms, attempt ${attempt}/${MAX_ATTEMPTS}${ticket.waitedMs > 0 ? `, paced ${ticket.waitedMs} ms` : ''})`;

      let transient: Transient;
      let rateLimit: RateLimitSnapshot = {};
      if (result.kind === 'network') {
        const reason = describeNetwork(result.code, result.timedOut);
        if (!result.timedOut && !isRetryableNetworkCode(result.code)) {
          log(line);
          throw new HubSpotError(scrub(`app ${target.appId}: ${method} settings failed: ${reason}`), { appId: target.appId, method, attempts: attempt });
        }
        transient = { reason, ambiguous: true };
      } else {
        const { reply } = result;
        rateLimit = readRateLimitHeaders(reply.headers);
        pacer.observe(rateLimit, ticket.startedAt);
        if (isRetryableStatus(reply.status)) {
          const errorBody = readErrorBody(reply.body, scrub);
          // HubSpot's daily quota only resets at midnight: retrying cannot help.
          if (reply.status === 429 && errorBody.policyName === 'DAILY') {
            log(`${line}; daily limit reached, not retrying`);
            throw new HubSpotError(
              scrub(`app ${target.appId}: ${method} settings failed: HubSpot's daily API limit is reached (${describeReply(reply, errorBody)}); hscc did not retry`),
              {
                appId: target.appId,
                method,
                status: 429,
                attempts: attempt,
                hint: "The daily limit resets at midnight in the HubSpot account's time zone; run hscc again after that.",
                ...(errorBody.category === undefined ? {} : { category: errorBody.category }),
                ...(errorBody.correlationId === undefined ? {} : { correlationId: errorBody.correlationId }),
              },
            );
          }
          // A 429 (TEN_SECONDLY_ROLLING or no policy) was refused, not performed;
          // after a 5xx the write may or may not have happened.
          transient = { reason: describeReply(reply, errorBody), ambiguous: reply.status !== 429, reply };
        } else {
          const parsed = parseBody(reply, method !== 'DELETE');
          if (parsed.ok) {
            log(line);
            return { kind: 'reply', reply, json: parsed.json, attempts: attempt };
          }
          // A cut-off or garbled 2xx: the write may have happened; treat like a 5xx.
          transient = { reason: `${reply.status} answer with invalid JSON`, ambiguous: true };
        }
      }

      if (attempt >= MAX_ATTEMPTS) {
        log(`${line}; giving up: ${transient.reason}`);
        if (transient.reply !== undefined) throw replyFailure(target, method, transient.reply, attempt, true);
        throw new HubSpotError(scrub(`app ${target.appId}: ${method} settings failed after ${attempt} attempts: ${transient.reason}`), {
          appId: target.appId,
          method,
          attempts: attempt,
        });
      }
      const retryAfter = result.kind === 'reply' ? headerValue(result.reply.headers, 'retry-after') : undefined;
      const wait = retryWait({ retry: attempt, retryAfter, rateLimit, now: options.now(), random: options.random });
      log(`${line}; retrying in ${wait.ms} ms (${wait.basis}): ${transient.reason}`);
      await options.sleep(wait.ms);
      if (settle !== undefined && transient.ambiguous) {
        const value = await settle();
        if (value !== undefined) {
          log(`${method} ${path}: re-read shows the earlier attempt took effect; not repeating it`);
          return { kind: 'settled', value };
        }
      }
    }
  }

  function settingsFrom(target: AppTarget, method: HttpMethod, sent: { reply: Reply; json: unknown; attempts: number }): RemoteSettings {
    const problem = settingsProblem(sent.json);
    if (problem !== undefined) {
      throw new HubSpotError(scrub(`app ${target.appId}: ${method} settings returned an unexpected body: ${problem}`), {
        appId: target.appId,
        method,
        status: sent.reply.status,
        attempts: sent.attempts,
      });
    }
    return toRemoteSettings(sent.json as Record<string, unknown>);
  }

  async function get(target: AppTarget): Promise<RemoteSettings | null> {
    const sent = await send<never>(target, 'GET', undefined);
    if (sent.kind === 'settled') return sent.value;
    if (sent.reply.status === 404) return null;
    if (isSuccess(sent.reply.status)) return settingsFrom(target, 'GET', sent);
    throw replyFailure(target, 'GET', sent.reply, sent.attempts, false);
  }

  async function update(target: AppTarget, patch: Partial<ManagedSettings>): Promise<RemoteSettings> {
    const body = onlyManaged(patch);
    const sent = await send(target, 'PATCH', body, async () => {
      const current = await get(target);
      return current !== null && Object.keys(diffFields(current, body)).length === 0 ? current : undefined;
    });
    if (sent.kind === 'settled') return sent.value;
    if (isSuccess(sent.reply.status)) return settingsFrom(target, 'PATCH', sent);
    throw replyFailure(target, 'PATCH', sent.reply, sent.attempts, false);
  }

  /** Makes existing settings equal `desired` with a PATCH of only the differing fields (none when equal). */
  async function converge(target: AppTarget, current: RemoteSettings, desired: ManagedSettings): Promise<RemoteSettings> {
    const patch = diffFields(current, desired);
    if (Object.keys(patch).length === 0) return current;
    log(`POST ${FLAVOURS[target.apiVersion].settingsPath(target.appId)}: settings exist; patching ${Object.keys(patch).join(', ')}`);
    return update(target, patch);
  }

  return {
    get,
    update,
    async create(target, settings) {
      const desired = { url: settings.url, isReady: settings.isReady };
      const sent = await send(target, 'POST', desired, async () => (await get(target)) ?? undefined);
      if (sent.kind === 'settled') return converge(target, sent.value, desired);
      const { reply } = sent;
      if (isSuccess(reply.status)) return settingsFrom(target, 'POST', sent);
      // HubSpot refuses a POST when settings already exist (409, sometimes 400):
      // read them and patch instead. If nothing exists, the refusal stands.
      if (reply.status === 409 || reply.status === 400) {
        const current = await get(target);
        if (current !== null) return converge(target, current, desired);
      }
      throw replyFailure(target, 'POST', reply, sent.attempts, false);
    },
    async delete(target) {
      const sent = await send(target, 'DELETE', undefined, async () => ((await get(target)) === null ? true : undefined));
      if (sent.kind === 'settled') return;
      // 404: nothing to delete, which is the goal (DESIGN.md "The HubSpot API").
      if (isSuccess(sent.reply.status) || sent.reply.status === 404) return;
      throw replyFailure(target, 'DELETE', sent.reply, sent.attempts, false);
    },
  };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a 2xx body that should hold JSON (`expectsJson`); errors and 204s are read elsewhere. */
function parseBody(reply: Reply, expectsJson: boolean): { ok: true; json: unknown } | { ok: false } {
  if (!expectsJson || !isSuccess(reply.status) || reply.status === 204) return { ok: true, json: undefined };
  try {
    return { ok: true, json: JSON.parse(reply.body) };
  } catch {
    return { ok: false };
  }
}

/** Why `json` is not a settings object, or undefined when it is. */
function settingsProblem(json: unknown): string | undefined {
  if (!isRecord(json)) return 'expected a JSON object';
  if (typeof json.url !== 'string') return '"url" is not a string';
  if (typeof json.isReady !== 'boolean') return '"isReady" is not a boolean';
  return undefined;
}

/** The managed fields plus HubSpot's timestamps; other server fields are dropped. */
function toRemoteSettings(json: Record<string, unknown>): RemoteSettings {
  const settings: RemoteSettings = { url: json.url as string, isReady: json.isReady as boolean };
  for (const field of ['createdAt', 'updatedAt'] as const) {
    const value = json[field];
    if (typeof value === 'string') settings[field] = value;
    // Some HubSpot APIs send epoch milliseconds; keep them as text.
    else if (typeof value === 'number' && Number.isFinite(value)) settings[field] = String(value);
  }
  return settings;
}

/** A copy with only `url` and `isReady`, so a PATCH sends exactly the managed fields given. */
function onlyManaged(patch: Partial<ManagedSettings>): Partial<ManagedSettings> {
  const body: Partial<ManagedSettings> = {};
  if (patch.url !== undefined) body.url = patch.url;
  if (patch.isReady !== undefined) body.isReady = patch.isReady;
  return body;
}

/** The fields of `wanted` whose values differ from `current`. */
function diffFields(current: ManagedSettings, wanted: Partial<ManagedSettings>): Partial<ManagedSettings> {
  const patch: Partial<ManagedSettings> = {};
  if (wanted.url !== undefined && wanted.url !== current.url) patch.url = wanted.url;
  if (wanted.isReady !== undefined && wanted.isReady !== current.isReady) patch.isReady = wanted.isReady;
  return patch;
}
