import type { IncomingHttpHeaders } from 'node:http';
import type { AuthMode } from '../config/model.js';
import { escapeControlCharacters } from '../control-characters.js';
import { resourceNamed, type Fields, type ResourceDescriptor } from '../resources/index.js';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import { AUTH_MODE_TABLE } from './auth-modes.js';
import { requireCredential } from './credentials.js';
import { HubSpotError, isHubSpotErrorShape, type HttpMethod, type HubSpotErrorBody, readErrorBody } from './errors.js';
import { createHostBreaker, HOST_FAILURE_LIMIT } from './host-breaker.js';
import { createPacer, readRateLimitHeaders, type RateLimitSnapshot } from './pacer.js';
import { differingFields, managedFields, readRemoteResource } from './resource-body.js';
import { resourcePath } from './resource-path.js';
import { isRetryableNetworkCode, isRetryableStatus, isUnreadableAnswerCode, MAX_ATTEMPTS, retryWait } from './retry.js';
import { createTransport, MAX_BODY_BYTES, type AttemptResult, type Reply } from './transport.js';
import type { ClientOptions, ClientWait, RemoteResource, ResourceTarget, SettingsClient, WriteResult } from './types.js';

// OpenSSL's verification codes as Node reports them (DEPTH_ZERO_SELF_SIGNED_CERT,
// UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …).
const CERTIFICATE_CODE = /CERT|ISSUER|SIGNATURE|HOSTNAME_MISMATCH|INVALID_CA/;
/** Most rejected certificates in CI come from a TLS-inspecting proxy. */
const CERTIFICATE_HINT =
  'hscc always verifies the API certificate. If a proxy or a private CA signs it, set NODE_EXTRA_CA_CERTS to that CA certificate (a PEM file).';

/** After an interrupt a write in flight may finish, but none is sent again (DESIGN.md "Commands"). */
const INTERRUPT_STOP: Stop = { reason: 'the run was interrupted', after: 'not retried', logged: 'interrupted', rerunnable: true };

/** What the client waits for when it paces requests or a 429 asked it to. */
const RATE_LIMIT = "HubSpot's rate limit";
const DAILY_LIMIT_HINT = "The daily limit resets at midnight in the HubSpot account's time zone; run hscc again after that.";

/** What ends a call before its next request: the words for it, and whether a rerun may succeed. */
interface Stop {
  reason: string;
  /** How a message goes on after the last attempt's failure: `gave up`, `not retried`. */
  after: string;
  /** What the log line says was the matter. */
  logged: string;
  rerunnable: boolean;
  hint?: string;
}

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
 * Creates the settings client for every resource: builds each URL from the
 * version table and the resource descriptor, places the credential per auth
 * mode, reads answers with a 1 MiB limit, paces requests by HubSpot's
 * rate-limit headers (one pacer shared by all concurrent calls), retries
 * transient failures itself, resolves writes whose outcome is unknown by
 * reading again, gives up on a host that stopped answering (later calls fail
 * at once, marked not attempted), sends nothing more with a credential
 * HubSpot refused (401) or whose daily limit is spent (429 DAILY), nor more
 * writes or reads it refused for a missing scope (403 MISSING_SCOPES), and
 * redacts every secret from errors and log lines.
 *
 * Precondition: `options.baseUrl` comes from `resolveBaseUrl`; credentials
 * were checked with `assertCredentials` (a missing one still fails the call).
 */
export function createHubSpotClient(options: ClientOptions): SettingsClient {
  const scrub = createScrubber(secretValuesFrom(options.env));
  const host = new URL(options.baseUrl).host;
  const waitListeners = new Set<(wait: ClientWait) => void>();
  const waitFor = (ms: number, reason: string, signal?: AbortSignal): Promise<void> => {
    for (const listener of waitListeners) listener({ ms, reason });
    return options.sleep(ms, signal);
  };
  const pacer = createPacer({ now: options.now, sleep: (ms, signal) => waitFor(ms, RATE_LIMIT, signal) });
  const breaker = createHostBreaker({ host, failureLimit: HOST_FAILURE_LIMIT, silenceLimitMs: options.timeoutMs });
  const transport = createTransport(options.timeoutMs);
  const log = (line: string) => options.log?.(escapeControlCharacters(scrub(line)));
  // A 401 refuses the credential, a 403 MISSING_SCOPES its reads or writes,
  // and a DAILY 429 its account until midnight, not one app: once one came,
  // calls needing the same are not sent (a bad key, a read-only token in CI
  // or a spent quota must not send every app's request only to be refused,
  // nor print a line for each).
  const refused = new Map<string, { reason: string; status: number; rerunnable: boolean }>();
  const grantOf = (auth: AuthMode, method: HttpMethod) => `${auth} ${method === 'GET' ? 'reads' : 'writes'}`;
  const seconds = `${options.timeoutMs / 1000}s`;
  const writesInterrupted = (method: HttpMethod): boolean => method !== 'GET' && options.interrupted?.aborted === true;

  /** `app 42: GET calling settings`, the start of every message about a call. */
  const callName = (target: ResourceTarget, method: HttpMethod) => `app ${target.appId}: ${method} ${resourceNamed(target.resource).title}`;

  // The server's words (a reason phrase, a Location) reach terminals and logs: no raw escape sequence.
  const failure = (target: ResourceTarget, method: HttpMethod, message: string, details: Omit<ConstructorParameters<typeof HubSpotError>[1], 'appId' | 'method' | 'resource'>) =>
    new HubSpotError(escapeControlCharacters(scrub(`${callName(target, method)} ${message}`)), { appId: target.appId, resource: target.resource, method, ...details });

  function describeNetwork(code: string, timedOut: boolean, phase: 'request' | 'body'): string {
    if (timedOut) return phase === 'body' ? `timed out after ${seconds} while reading the answer` : `timed out after ${seconds}`;
    if (phase === 'body') return /^Z_|DECOD/i.test(code) ? `the answer could not be decoded (${code})` : `the answer was cut off (${code})`;
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return `connection to ${host} was interrupted (${code})`;
    if (CERTIFICATE_CODE.test(code)) return `the TLS certificate of ${host} was rejected (${code})`;
    if (isUnreadableAnswerCode(code)) return `${host} answered with something that is not valid HTTP (${code})`;
    return `could not reach ${host} (${code})`;
  }

  function describeReply(reply: Reply, body: HubSpotErrorBody): string {
    const head = body.category !== undefined ? `${reply.status} ${body.category}` : `${reply.status} ${reply.statusText}`.trim();
    const sub = body.subCategory === undefined ? '' : ` (${body.subCategory})`;
    const message = body.message === undefined ? '' : `: ${body.message}`;
    const details = body.details.length === 0 ? '' : ` (${body.details.slice(0, 3).join('; ')})`;
    const location = headerValue(reply.headers, 'location');
    const redirect = reply.status >= 300 && reply.status <= 399 && location !== undefined ? ` (redirected to ${location}; hscc does not follow redirects: check the base URL)` : '';
    return scrub(`${head}${sub}${message}${details}${redirect}`);
  }

  function hintFor(target: ResourceTarget, method: HttpMethod, status: number): string | undefined {
    const mode = AUTH_MODE_TABLE[target.auth];
    if (status === 401) return `HubSpot did not accept the ${mode.credentialName} in ${mode.variable} (auth ${target.auth}).`;
    if (status === 403) {
      // HubSpot's 2026 specifications put these endpoints behind OAuth scopes.
      const scope = method === 'GET' ? 'developers-read' : 'developers-write (reads need developers-read)';
      return `The ${mode.credentialName} in ${mode.variable} needs scope ${scope} and must be allowed to manage app ${target.appId}.`;
    }
    return undefined;
  }

  /** The one place a failed answer becomes an error. */
  function replyFailure(target: ResourceTarget, method: HttpMethod, reply: Reply, attempts: number, exhausted: boolean): HubSpotError {
    const body = readErrorBody(reply.body, scrub);
    const after = exhausted ? ` after ${attempts} attempts` : '';
    const hint = hintFor(target, method, reply.status);
    const rerunnable = isRetryableStatus(reply.status) && body.category !== 'VALIDATION_ERROR';
    return failure(target, method, `failed${after}: ${describeReply(reply, body)}`, {
      status: reply.status,
      attempts,
      rerunnable,
      ...(body.category === undefined ? {} : { category: body.category }),
      ...(body.correlationId === undefined ? {} : { correlationId: body.correlationId }),
      ...(hint === undefined ? {} : { hint }),
    });
  }

  /**
   * A 404 that is not HubSpot's JSON error shape: the path does not exist on
   * this host (wrong base URL, proxy prefix or host), which must never read as
   * "the resource does not exist".
   */
  function wrongPathFailure(target: ResourceTarget, method: HttpMethod, reply: Reply, attempts: number): HubSpotError {
    const type = headerValue(reply.headers, 'content-type') ?? '';
    const what =
      reply.body.trim() === '' ? 'an empty body' : /html/i.test(type) || /^\s*</.test(reply.body) ? 'an HTML page' : /json/i.test(type) ? "JSON that is not HubSpot's error shape" : 'a non-JSON body';
    return failure(
      target,
      method,
      `failed: ${options.baseUrl}${resourcePath(target)} answered 404 with ${what}, not HubSpot's "not found" error: check the base URL (--base-url, HUBSPOT_API_BASE_URL) and any proxy prefix`,
      { status: 404, attempts, rerunnable: false },
    );
  }

  /**
   * Sends one request, retrying transient failures. Before retrying a write
   * whose outcome is unknown, `settle` re-reads: a defined result means the
   * write already took effect and is returned instead of repeating it.
   * Answers that are not transient (2xx, 3xx, 4xx) are returned as is.
   */
  async function send<T>(target: ResourceTarget, method: HttpMethod, body: Fields | undefined, settle?: () => Promise<T | undefined>): Promise<Sent<T>> {
    const secret = requireCredential(target, options.env);
    const auth = AUTH_MODE_TABLE[target.auth].authorize(secret);
    const path = resourcePath(target);
    let last: Transient | undefined;
    for (let attempt = 1; ; attempt++) {
      const before = stopOf(target, method);
      if (before !== undefined) throw stopped(target, method, attempt - 1, last, before);
      let ticket: Awaited<ReturnType<typeof pacer.acquire>>;
      try {
        ticket = await pacer.acquire(options.interrupted);
      } catch (error) {
        // Its turn had not come when the run was interrupted: it is not sent.
        if (options.interrupted?.aborted === true) throw stopped(target, method, attempt - 1, last, INTERRUPT_STOP);
        throw error;
      }
      // The pacer may have held this start while the host was given up on, or the credential refused.
      const held = stopOf(target, method);
      if (held !== undefined) throw stopped(target, method, attempt - 1, last, held);
      const result = await transport({
        url: `${options.baseUrl}${path}`,
        method,
        headers: auth.headers,
        searchParams: auth.searchParams,
        ...(body === undefined ? {} : { json: body }),
      });
      const at = options.now();
      // Built only for a log sink: most runs have none, and this is per request.
      const line = options.log === undefined ? '' : attemptLine(method, path, result, at - ticket.startedAt, attempt, ticket.waitedMs);

      let transient: Transient;
      let rateLimit: RateLimitSnapshot = {};
      if (result.kind === 'network') {
        // A body that broke off or would not decode came from a host that answered: only silence counts against it.
        if (result.phase === 'body' && !result.timedOut) breaker.recordAnswer(at);
        else breaker.recordFailure({ startedAt: ticket.startedAt, at, timedOut: result.timedOut, code: result.code });
        const reason = describeNetwork(result.code, result.timedOut, result.phase);
        if (!result.timedOut && result.phase === 'request' && !isRetryableNetworkCode(result.code)) {
          log(line);
          const hint = CERTIFICATE_CODE.test(result.code) ? CERTIFICATE_HINT : undefined;
          throw failure(target, method, `failed: ${reason}`, { attempts: attempt, rerunnable: false, ...(hint === undefined ? {} : { hint }) });
        }
        transient = { reason, ambiguous: true };
      } else if (result.kind === 'too-large') {
        breaker.recordAnswer(at);
        log(`${line}; answer over ${MAX_BODY_BYTES} bytes, not read further`);
        const declared = result.declaredBytes === undefined ? '' : ` (Content-Length ${result.declaredBytes})`;
        const accepted = method !== 'GET' && isSuccess(result.status) ? '; HubSpot accepted the write' : '';
        throw failure(target, method, `failed: the ${result.status} answer is larger than 1 MiB${declared}; hscc stopped reading it${accepted}`, {
          status: result.status,
          attempts: attempt,
          rerunnable: false,
        });
      } else {
        const { reply } = result;
        breaker.recordAnswer(at);
        rateLimit = readRateLimitHeaders(reply.headers);
        pacer.answered(ticket.startedAt);
        pacer.observe(rateLimit, ticket.startedAt);
        if (isRetryableStatus(reply.status)) {
          const errorBody = readErrorBody(reply.body, scrub);
          // HubSpot's daily quota only resets at midnight: retrying cannot help.
          if (reply.status === 429 && errorBody.policyName === 'DAILY') {
            log(`${line}; daily limit reached, not retrying`);
            refuseGrant(target, method, reply);
            throw failure(target, method, `failed: HubSpot's daily API limit is reached (${describeReply(reply, errorBody)}); hscc did not retry`, {
              status: 429,
              attempts: attempt,
              rerunnable: true,
              hint: DAILY_LIMIT_HINT,
              ...(errorBody.category === undefined ? {} : { category: errorBody.category }),
              ...(errorBody.correlationId === undefined ? {} : { correlationId: errorBody.correlationId }),
            });
          }
          // A 429 (TEN_SECONDLY_ROLLING or no policy) was refused, not performed;
          // after a 5xx the write may or may not have happened.
          transient = { reason: describeReply(reply, errorBody), ambiguous: reply.status !== 429, reply };
        } else {
          if (reply.status === 401 || reply.status === 403) refuseGrant(target, method, reply);
          const parsed = parseBody(reply, method);
          if (parsed.ok) {
            log(line);
            return { kind: 'reply', reply, json: parsed.json, attempts: attempt };
          }
          // A garbled 2xx: the write may have happened; treat like a 5xx.
          transient = { reason: `${reply.status} answer with invalid JSON`, ambiguous: true };
        }
      }

      last = transient;
      if (attempt >= MAX_ATTEMPTS) {
        log(`${line}; giving up: ${transient.reason}`);
        if (transient.reply !== undefined) throw replyFailure(target, method, transient.reply, attempt, true);
        throw failure(target, method, `failed after ${attempt} attempts: ${transient.reason}`, { attempts: attempt, rerunnable: true });
      }
      if (breaker.open) {
        log(`${line}; giving up on ${host}: ${transient.reason}`);
        throw stopped(target, method, attempt, transient, hostStop());
      }
      if (writesInterrupted(method)) {
        // No retry follows, so there is nothing to wait for; the re-read below still says whether it took effect.
        log(`${line}; interrupted, not retrying: ${transient.reason}`);
      } else {
        const retryAfter = result.kind === 'reply' ? headerValue(result.reply.headers, 'retry-after') : undefined;
        const wait = retryWait({ retry: attempt, retryAfter, rateLimit, now: options.now(), random: options.random });
        log(`${line}; retrying in ${wait.ms} ms (${wait.basis}): ${transient.reason}`);
        // Short: it ends a progress line, which must fit on one terminal row.
        await waitFor(wait.ms, result.kind === 'reply' && result.reply.status === 429 ? RATE_LIMIT : 'a retry');
      }
      if (settle !== undefined && transient.ambiguous && !breaker.open) {
        const value = await settleOrExplain(target, method, attempt, transient, settle);
        if (value !== undefined) {
          log(`${method} ${path}: re-read shows the earlier attempt took effect; not repeating it`);
          return { kind: 'settled', value };
        }
        // The re-read shows it did not take effect.
        last = { ...transient, ambiguous: false };
      }
    }
  }

  /**
   * Runs the re-read before retrying a write; when the re-read itself fails,
   * the error is about the write (its outcome is unknown), not about a GET.
   */
  async function settleOrExplain<T>(target: ResourceTarget, method: HttpMethod, attempt: number, transient: Transient, settle: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await settle();
    } catch (error) {
      if (!(error instanceof HubSpotError)) throw error;
      const reread = error.message.replace(`app ${target.appId}: `, '');
      throw failure(target, method, `failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${transient.reason}; whether it took effect is unknown: the re-read (${reread})`, {
        attempts: attempt,
        rerunnable: error.rerunnable,
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        ...(error.correlationId === undefined ? {} : { correlationId: error.correlationId }),
      });
    }
  }

  /**
   * Records what a 401 (the credential), a DAILY 429 (the credential, until
   * midnight) or a 403 MISSING_SCOPES (its reads or its writes) refused, the
   * first time. Precondition: the reply is a 401, a 403 or a DAILY 429.
   */
  function refuseGrant(target: ResourceTarget, method: HttpMethod, reply: Reply): void {
    const mode = AUTH_MODE_TABLE[target.auth];
    const credential = `the ${mode.credentialName} in ${mode.variable}`;
    const at = `for app ${target.appId}`;
    if (reply.status === 401 || reply.status === 429) {
      const refusal =
        reply.status === 401
          ? { reason: `HubSpot refused ${credential} (401 ${at})`, status: 401, rerunnable: false }
          : { reason: `HubSpot's daily API limit is reached for ${credential} (429 DAILY ${at})`, status: 429, rerunnable: true };
      for (const grant of [grantOf(target.auth, 'GET'), grantOf(target.auth, 'POST')]) if (!refused.has(grant)) refused.set(grant, refusal);
      return;
    }
    const grant = grantOf(target.auth, method);
    if (refused.has(grant) || readErrorBody(reply.body, scrub).category !== 'MISSING_SCOPES') return;
    refused.set(grant, { reason: `HubSpot refused ${method === 'GET' ? 'reads' : 'writes'} with ${credential} (403 MISSING_SCOPES ${at})`, status: 403, rerunnable: false });
  }

  /** Why no (further) request goes out for a call: the run was interrupted (writes), the host was given up on, or HubSpot refused its credential (or its reads or writes). */
  function stopOf(target: ResourceTarget, method: HttpMethod): Stop | undefined {
    if (writesInterrupted(method)) return INTERRUPT_STOP;
    if (breaker.open) return hostStop();
    const refusal = refused.get(grantOf(target.auth, method));
    if (refusal === undefined) return undefined;
    const hint = refusal.status === 429 ? DAILY_LIMIT_HINT : hintFor(target, method, refusal.status);
    return { reason: refusal.reason, after: 'not retried', logged: refusal.reason, rerunnable: refusal.rerunnable, ...(hint === undefined ? {} : { hint }) };
  }

  function hostStop(): Stop {
    const hint = `Check that ${host} is reachable from here (or the --timeout), then run hscc again.`;
    return { reason: breaker.reason, after: 'gave up', logged: `${host} was given up on`, rerunnable: true, hint };
  }

  /** The error for a call `stop` ended: not attempted when nothing was sent, otherwise after `attempts` that ended with `last`. */
  function stopped(target: ResourceTarget, method: HttpMethod, attempts: number, last: Transient | undefined, stop: Stop): HubSpotError {
    const details = { rerunnable: stop.rerunnable, ...(stop.hint === undefined ? {} : { hint: stop.hint }) };
    if (attempts === 0 || last === undefined) {
      log(`${method} ${resourcePath(target)}: not attempted, ${stop.logged}`);
      return failure(target, method, `not attempted: ${stop.reason}`, { attempts: 0, notAttempted: stop.reason, ...details });
    }
    const unknown = method === 'GET' || !last.ambiguous ? '' : '; whether the write took effect is unknown';
    return failure(target, method, `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last.reason}; ${stop.after}: ${stop.reason}${unknown}`, {
      attempts,
      ...details,
      ...(last.reply === undefined ? {} : { status: last.reply.status }),
    });
  }

  /** The resource in a GET's 2xx answer, or an error naming what is wrong with it (a write's odd answer is read back instead: `written`). */
  function resourceFrom(target: ResourceTarget, sent: { reply: Reply; json: unknown; attempts: number }): RemoteResource {
    const read = readRemoteResource(sent.json, resourceNamed(target.resource));
    if (read.ok) return read.resource;
    throw failure(target, 'GET', `returned an unexpected body: ${read.problem}`, { status: sent.reply.status, attempts: sent.attempts, rerunnable: false });
  }

  /**
   * What a successful POST or PATCH left: its answer, or a fresh read when it
   * answered without a body or with one that is not the resource. HubSpot
   * accepted the write either way, so an odd answer must not report it failed.
   */
  async function written(target: ResourceTarget, method: HttpMethod, sent: { reply: Reply; json: unknown; attempts: number }): Promise<WriteResult> {
    if (sent.json !== undefined) {
      const read = readRemoteResource(sent.json, resourceNamed(target.resource));
      if (read.ok) return { remote: read.resource, wrote: true };
      log(`${method} ${resourcePath(target)}: the ${sent.reply.status} answer is not the resource (${read.problem}); reading it back`);
    }
    return { remote: await get(target), wrote: true };
  }

  async function get(target: ResourceTarget): Promise<RemoteResource | null> {
    const sent = await send<never>(target, 'GET', undefined);
    if (sent.kind === 'settled') return sent.value;
    const { reply } = sent;
    if (reply.status === 404) {
      if (isHubSpotErrorShape(reply.body)) return null;
      throw wrongPathFailure(target, 'GET', reply, sent.attempts);
    }
    if (isSuccess(reply.status)) return resourceFrom(target, sent);
    throw replyFailure(target, 'GET', reply, sent.attempts, false);
  }

  async function update(target: ResourceTarget, patch: Fields): Promise<WriteResult> {
    const body = managedFields(resourceNamed(target.resource), patch);
    if (Object.keys(body).length === 0) throw new Error(`bug: PATCH of ${target.resource} for app ${target.appId} with no managed field`);
    const sent = await send(target, 'PATCH', body, async () => {
      const current = await get(target);
      return current !== null && Object.keys(differingFields(current.fields, body)).length === 0 ? current : undefined;
    });
    if (sent.kind === 'settled') return { remote: sent.value, wrote: true };
    if (isSuccess(sent.reply.status)) return written(target, 'PATCH', sent);
    if (sent.reply.status === 404 && !isHubSpotErrorShape(sent.reply.body)) throw wrongPathFailure(target, 'PATCH', sent.reply, sent.attempts);
    throw replyFailure(target, 'PATCH', sent.reply, sent.attempts, false);
  }

  /**
   * Makes an existing resource equal `desired` with a PATCH of only the
   * differing fields; none when already equal, and then `wrote` stays as given.
   */
  async function converge(target: ResourceTarget, current: RemoteResource, desired: Fields, wrote: boolean): Promise<WriteResult> {
    const patch = differingFields(current.fields, desired);
    if (Object.keys(patch).length === 0) return { remote: current, wrote };
    log(`POST ${resourcePath(target)}: it exists; patching ${Object.keys(patch).join(', ')}`);
    return update(target, patch);
  }

  return {
    get,
    update,
    onWait(listener) {
      waitListeners.add(listener);
      return () => void waitListeners.delete(listener);
    },
    async create(target, fields) {
      const descriptor = resourceNamed(target.resource);
      const desired = managedFields(descriptor, fields);
      assertComplete(descriptor, desired);
      const sent = await send(target, 'POST', desired, async () => (await get(target)) ?? undefined);
      // An earlier attempt created it: that was a write, even if no PATCH follows.
      if (sent.kind === 'settled') return converge(target, sent.value, desired, true);
      const { reply } = sent;
      if (isSuccess(reply.status)) return written(target, 'POST', sent);
      if (reply.status === 404 && !isHubSpotErrorShape(reply.body)) throw wrongPathFailure(target, 'POST', reply, sent.attempts);
      // HubSpot refuses a POST when the resource already exists (409, sometimes
      // 400): read it and patch instead. If nothing exists, the refusal stands.
      if (reply.status === 409 || reply.status === 400) {
        const current = await get(target);
        if (current !== null) return converge(target, current, desired, false);
      }
      throw replyFailure(target, 'POST', reply, sent.attempts, false);
    },
    async delete(target) {
      const descriptor = resourceNamed(target.resource);
      if (!descriptor.deletable) throw new Error(`bug: DELETE of ${descriptor.name}, which HubSpot's API cannot delete`);
      const sent = await send(target, 'DELETE', undefined, async () => ((await get(target)) === null ? true : undefined));
      if (sent.kind === 'settled' || isSuccess(sent.reply.status)) return { remote: null, wrote: true };
      if (sent.reply.status === 404) {
        // Nothing to delete, which is the goal (DESIGN.md "The HubSpot API").
        if (isHubSpotErrorShape(sent.reply.body)) return { remote: null, wrote: false };
        throw wrongPathFailure(target, 'DELETE', sent.reply, sent.attempts);
      }
      throw replyFailure(target, 'DELETE', sent.reply, sent.attempts, false);
    },
  };
}

/** A create must send every managed field (DESIGN.md: "POST with every managed field"). */
function assertComplete(descriptor: ResourceDescriptor, fields: Fields): void {
  const missing = descriptor.fields.filter((field) => fields[field.name] === undefined).map((field) => field.name);
  if (missing.length > 0) throw new Error(`bug: POST of ${descriptor.name} without ${missing.join(', ')}`);
}

/** `GET /crm/… → 200 (51 ms, attempt 1/6, paced 20 ms)`, the start of each request's log line. */
function attemptLine(method: HttpMethod, path: string, result: AttemptResult, elapsedMs: number, attempt: number, pacedMs: number): string {
  const status = result.kind === 'network' ? result.code : result.kind === 'too-large' ? `${result.status}, too large` : String(result.reply.status);
  return `${method} ${path} → ${status} (${elapsedMs} ms, attempt ${attempt}/${MAX_ATTEMPTS}${pacedMs > 0 ? `, paced ${pacedMs} ms` : ''})`;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Parses a 2xx body of a GET, POST or PATCH as JSON; a write may answer
 * without a body (json undefined). Errors and DELETEs are read elsewhere.
 */
function parseBody(reply: Reply, method: HttpMethod): { ok: true; json: unknown } | { ok: false } {
  if (!isSuccess(reply.status)) return { ok: true, json: undefined };
  if (method !== 'GET' && (reply.status === 204 || reply.body.trim() === '')) return { ok: true, json: undefined };
  try {
    const json: unknown = JSON.parse(reply.body);
    // A DELETE's answer says nothing hscc keeps; one cut off says the delete may not have happened.
    return { ok: true, json: method === 'DELETE' ? undefined : json };
  } catch {
    return { ok: false };
  }
}
