// The emulator's HTTP server: HubSpot's calling-extension settings API for
// every resource, version and auth, plus the control API. Behaviour is
// specified in SPEC.md.
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitSpec } from '../commands/options.js';
import { UserError } from '../errors.js';
import { createScrubber } from '../runtime/secrets.js';
import { listenError } from '../runtime/listen-error.js';
import type { FieldValue, ResourceDescriptor } from '../resources/index.js';
import { CONTROL_PREFIX, handleControl, type ControlContext } from './control.js';
import { RequestCounters } from './counters.js';
import { FaultQueue, parseFaultSpec } from './faults.js';
import { JSON_CONTENT_TYPE, readBody, sendEmpty, sendHtml, sendJson } from './http-io.js';
import { RollingRateLimiter, type RateLimitVerdict } from './rate-limit.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { categoryForStatus, errorBody, missingScopesBody, NOT_FOUND_PAGE, rateLimitBody } from './responses.js';
import { authenticate, matchApiRoute, type ApiRoute, type EmulatorCredentials, type ResourceRoute } from './routes.js';
import { readStateFile, removeStaleTempFiles, writeStateFile } from './state-file.js';
import { EmulatorStore, type StoreWriteResult } from './store.js';
import { parseAppId, parseJsonBody, validateCreateBody, validateUpdateBody } from './validation.js';

export type { EmulatorCredentials } from './routes.js';

/** How to run an emulator. Everything is optional; defaults suit tests. */
export interface EmulatorConfig {
  /** Address to listen on (default 127.0.0.1). Callers restrict it to loopback. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  credentials?: EmulatorCredentials;
  /**
   * Per-credential rolling window; undefined means no limit and no
   * rate-limit headers (`hscc emulator` passes HubSpot's default unless
   * `--rate-limit none`).
   */
  rateLimit?: RateLimitSpec | undefined;
  /** Added to every API response, milliseconds. */
  latencyMs?: number;
  /** `METHOD:COUNT:KIND` specs; an invalid one is a UserError naming it. */
  faults?: readonly string[];
  /** Load state from here at start (missing = empty) and save it after every write and on close. */
  statePath?: string | undefined;
  /** Epoch milliseconds, for timestamps and the rate-limit window (default Date.now). */
  now?: () => number;
  /** Receives one access-log line per request (method, path without query, status, ms): never a credential. */
  log?: (line: string) => void;
}

/** A listening emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:4010 (no trailing slash). */
  url: string;
  port: number;
  /** The live state, for tests that seed or inspect it directly. */
  store: EmulatorStore;
  /** Stops accepting, ends connections (in-flight ones get a short grace), saves state. */
  close(): Promise<void>;
}

/** How long in-flight requests may finish after close() before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;
/** The scope a write needs; a read-only token has only `developers-read`. */
const WRITE_SCOPE = 'developers-write';

/** The methods a route answers (recording settings have no DELETE: HubSpot's API cannot delete them). */
function allowedMethods(route: ApiRoute): readonly string[] {
  if (route.kind === 'recording-ready') return ['POST'];
  return route.resource.deletable ? ['GET', 'POST', 'PATCH', 'DELETE'] : ['GET', 'POST', 'PATCH'];
}

function rateLimitHeaders(verdict: RateLimitVerdict): OutgoingHttpHeaders {
  return {
    'x-hubspot-ratelimit-max': String(verdict.max),
    'x-hubspot-ratelimit-remaining': String(verdict.remaining),
    'x-hubspot-ratelimit-interval-milliseconds': String(verdict.intervalMs),
  };
}

function notFoundBody(resource: ResourceDescriptor, appId: number) {
  return errorBody('OBJECT_NOT_FOUND', `No ${resource.title} exist for app ${appId}.`);
}

/** A whole-looking answer for the `truncated` fault when the app has nothing stored. */
function sampleJson(resource: ResourceDescriptor, stamp: string): string {
  const sample: Record<string, FieldValue> = {};
  for (const field of resource.fields) {
    sample[field.name] = field.type === 'boolean' ? false : field.type === 'integer' ? 1 : 'https://example.com/sample/%s';
  }
  return JSON.stringify({ ...sample, createdAt: stamp, updatedAt: stamp });
}

/** An API response decided by the handler, sent in one place. */
interface Outcome {
  status: number;
  /** JSON text or a value to serialise; undefined for 204. */
  body?: unknown;
}

function writeOutcome(result: StoreWriteResult, resource: ResourceDescriptor, appId: number): Outcome {
  if (result.ok) return { status: 200, body: result.json };
  if (result.error === 'conflict') {
    return { status: 409, body: errorBody('CONFLICT', `The ${resource.title} of app ${appId} already exist; use PATCH to change them.`) };
  }
  return { status: 404, body: notFoundBody(resource, appId) };
}

function parseFaults(specs: readonly string[]): FaultQueue {
  const queue = new FaultQueue();
  for (const spec of specs) {
    const parsed = parseFaultSpec(spec);
    if (!parsed.ok) throw new UserError(`invalid fault "${spec}": ${parsed.problem}.`);
    queue.add(parsed.value);
  }
  return queue;
}

class Emulator {
  readonly store: EmulatorStore;
  readonly #faults: FaultQueue;
  readonly #counters = new RequestCounters();
  readonly #requestLog = new RequestLog();
  readonly #limiter: RollingRateLimiter | undefined;
  readonly #credentials: EmulatorCredentials;
  readonly #latencyMs: number;
  readonly #statePath: string | undefined;
  readonly #now: () => number;
  readonly #log: ((line: string) => void) | undefined;
  /**
   * Defence in depth for logged paths and the state file: credentials never
   * travel in a path or a field, but a client that puts one there (a mangled
   * URL, a webhook URL with the key in it) must not find it on disk or in a log.
   */
  readonly #scrub: (text: string) => string;
  /** Aborted by close(), so pending latency waits end at once. */
  readonly #closing = new AbortController();
  readonly #control: ControlContext;

  constructor(config: EmulatorConfig) {
    this.#now = config.now ?? Date.now;
    this.store = new EmulatorStore({ now: this.#now });
    this.#faults = parseFaults(config.faults ?? []);
    this.#limiter = config.rateLimit === undefined ? undefined : new RollingRateLimiter(config.rateLimit.max, config.rateLimit.intervalMs);
    this.#credentials = config.credentials ?? {};
    this.#latencyMs = config.latencyMs ?? 0;
    this.#statePath = config.statePath;
    this.#log = config.log;
    const secrets = [this.#credentials.apiKey, this.#credentials.accessToken, this.#credentials.readOnlyToken];
    this.#scrub = createScrubber(secrets.filter((secret): secret is string => secret !== undefined));
    if (this.#statePath !== undefined) {
      removeStaleTempFiles(this.#statePath);
      this.store.load(readStateFile(this.#statePath));
    }
    this.#control = {
      store: this.store,
      faults: this.#faults,
      counters: this.#counters,
      requestLog: this.#requestLog,
      persist: () => this.persist(),
      reset: () => {
        this.store.clear();
        this.#faults.clear();
        this.#counters.reset();
        this.#requestLog.clear();
        this.#limiter?.clear();
      },
    };
  }

  readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    const method = req.method ?? 'GET';
    const isControl = path.startsWith(CONTROL_PREFIX);
    const loggedPath = this.#scrub(path);
    const entry = isControl ? undefined : this.#requestLog.begin(method, loggedPath);
    if (!isControl) this.#counters.begin(method);
    res.once('close', () => {
      if (!isControl) this.#counters.end();
      const answered = res.writableFinished;
      if (entry !== undefined && answered) entry.status = res.statusCode;
      // Neither the query (hapikey) nor any header (bearer token) is ever logged.
      this.#log?.(`${method} ${loggedPath} ${answered ? String(res.statusCode) : 'reset'} ${Math.round(performance.now() - started)}ms`);
    });
    const work =
      entry === undefined ? handleControl(req, res, path, method, this.#control) : this.#api(req, res, path, query, method, entry);
    work.catch((error: unknown) => this.#fail(res, error));
  };

  /** Saves the state file, if any; returns the problem instead of throwing. */
  persist(): string | undefined {
    if (this.#statePath === undefined) return undefined;
    try {
      writeStateFile(this.#statePath, this.store.snapshot(), this.#scrub);
      return undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#log?.(`cannot save the state file ${this.#statePath}: ${reason}`);
      return `The emulator could not save its state file: ${reason}`;
    }
  }

  /** Ends pending latency waits (their sockets are destroyed). */
  abortWaits(): void {
    this.#closing.abort();
  }

  /** Last resort for a handler that threw: a JSON 500, or a cut connection when nobody can be answered. */
  #fail(res: ServerResponse, error: unknown): void {
    // Shutting down, half answered, or the client hung up mid-body.
    if (this.#closing.signal.aborted || res.headersSent || res.req.destroyed) {
      res.destroy();
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    this.#log?.(`internal error: ${reason}`);
    sendJson(res, 500, errorBody('INTERNAL_ERROR', `The emulator failed: ${reason}`));
  }

  async #api(req: IncomingMessage, res: ServerResponse, path: string, query: string, method: string, entry: RequestLogEntry): Promise<void> {
    const route = matchApiRoute(path);
    if (route === undefined) {
      // Not HubSpot's JSON shape on purpose: a wrong base URL must never read as "absent".
      sendHtml(res, 404, NOT_FOUND_PAGE);
      return;
    }
    entry.apiVersion = route.apiVersion;
    const appId = route.kind === 'resource' ? parseAppId(route.appIdText) : undefined;
    if (route.kind === 'resource') {
      entry.resource = route.resource.name;
      entry.appId = appId ?? null;
    }
    // Checked now for the rate-limit headers; acted on after faults, which answer before auth.
    const auth = authenticate(req, query, this.#credentials);
    const limiter = this.#limiter;
    // Answers that don't count against the limit still report the caller's window.
    const peek = (): OutgoingHttpHeaders =>
      limiter === undefined ? {} : rateLimitHeaders(limiter.peek(auth.ok ? auth.limitKey : '', this.#now()));

    const allowed = allowedMethods(route);
    if (!allowed.includes(method)) {
      const what = route.kind === 'resource' ? route.resource.title : 'this route';
      const message = `${method} is not supported for ${what}; use ${allowed.join(', ')}.`;
      sendJson(res, 405, errorBody('VALIDATION_ERROR', message), { allow: allowed.join(', '), ...peek() });
      return;
    }

    // Faults are taken on arrival, so they hit requests in the order sent.
    const fault = this.#faults.isEmpty ? undefined : this.#faults.take(method);
    const delayMs = this.#latencyMs + (fault?.type === 'delay' ? fault.ms : 0);
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.#closing.signal });

    switch (fault?.type) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'status':
        return this.#sendFault(res, fault.status, peek(), fault.retryAfterSeconds);
      case 'daily-limit':
        this.#counters.rateLimited();
        sendJson(res, 429, rateLimitBody('DAILY'), peek());
        return;
      case 'truncated': {
        const stamp = new Date(this.#now()).toISOString();
        const full =
          route.kind === 'resource'
            ? ((appId === undefined ? undefined : this.store.getJson(appId, route.resource.name)) ?? sampleJson(route.resource, stamp))
            : JSON.stringify({ status: 'ok' });
        sendJson(res, 200, full.slice(0, Math.floor(full.length / 2)), peek());
        return;
      }
      default:
        break;
    }

    if (!auth.ok) {
      sendJson(res, 401, errorBody('INVALID_AUTHENTICATION', auth.message), peek());
      return;
    }
    entry.auth = auth.auth;

    let headers: OutgoingHttpHeaders = {};
    if (limiter !== undefined) {
      const verdict = limiter.take(auth.limitKey, this.#now());
      headers = rateLimitHeaders(verdict);
      if (!verdict.allowed) {
        this.#counters.rateLimited();
        sendJson(res, 429, rateLimitBody('TEN_SECONDLY_ROLLING'), { ...headers, 'retry-after': String(verdict.retryAfterSeconds) });
        return;
      }
    }

    if (auth.readOnly && method !== 'GET') {
      sendJson(res, 403, missingScopesBody([WRITE_SCOPE]), headers);
      return;
    }

    let outcome: Outcome;
    if (route.kind === 'recording-ready') {
      outcome = await this.#markRecordingReady(req);
    } else if (appId === undefined) {
      const errors = [{ message: 'appId must be a positive 32-bit integer.', in: 'appId' }];
      outcome = { status: 400, body: errorBody('VALIDATION_ERROR', `Invalid appId "${route.appIdText}": expected a positive 32-bit integer.`, errors) };
    } else {
      outcome = await this.#perform(req, method, route, appId, entry);
    }
    if (fault?.type === 'error-after-write' && outcome.status < 300) {
      this.#sendFault(res, 500, headers);
      return;
    }
    if (outcome.body === undefined) sendEmpty(res, outcome.status, headers);
    else sendJson(res, outcome.status, outcome.body, headers);
  }

  /** The request's effect on the store, and the answer HubSpot would give. */
  async #perform(req: IncomingMessage, method: string, route: ResourceRoute, appId: number, entry: RequestLogEntry): Promise<Outcome> {
    const { resource } = route;
    if (method === 'GET') {
      const json = this.store.getJson(appId, resource.name);
      return json === undefined ? { status: 404, body: notFoundBody(resource, appId) } : { status: 200, body: json };
    }
    if (method === 'DELETE') {
      if (!this.store.delete(appId, resource.name).ok) return { status: 404, body: notFoundBody(resource, appId) };
      entry.wrote = true;
      return this.#saved({ status: 204 });
    }
    const body = await readBody(req);
    if (!body.ok) return { status: 413, body: errorBody('VALIDATION_ERROR', 'The request body is larger than 1 MiB.') };
    const json = parseJsonBody(body.text);
    if (!json.ok) return { status: 400, body: errorBody('VALIDATION_ERROR', json.message, json.errors) };
    const fields = method === 'POST' ? validateCreateBody(resource, json.value) : validateUpdateBody(resource, json.value);
    if (!fields.ok) return { status: 400, body: errorBody('VALIDATION_ERROR', fields.message, fields.errors) };
    const result =
      method === 'POST' ? this.store.create(appId, resource.name, fields.value) : this.store.update(appId, resource.name, fields.value);
    if (!result.ok) return writeOutcome(result, resource, appId);
    entry.wrote = true;
    return this.#saved(writeOutcome(result, resource, appId));
  }

  /** `POST …/recordings/ready {engagementId}`: HubSpot answers 204; nothing is stored. */
  async #markRecordingReady(req: IncomingMessage): Promise<Outcome> {
    const body = await readBody(req);
    if (!body.ok) return { status: 413, body: errorBody('VALIDATION_ERROR', 'The request body is larger than 1 MiB.') };
    const json = parseJsonBody(body.text);
    if (!json.ok) return { status: 400, body: errorBody('VALIDATION_ERROR', json.message, json.errors) };
    const value = json.value as { engagementId?: unknown } | null;
    const id = typeof value === 'object' && value !== null && !Array.isArray(value) ? value.engagementId : undefined;
    if (!Number.isInteger(id) || (id as number) < 1 || Object.keys(value as object).length !== 1) {
      const errors = [{ message: 'engagementId must be a positive integer, and the only field.', in: 'engagementId' }];
      return { status: 400, body: errorBody('VALIDATION_ERROR', 'Invalid input: engagementId must be a positive integer.', errors) };
    }
    return { status: 204 };
  }

  /** After a successful write: persist, or report that the state file could not be saved. */
  #saved(outcome: Outcome): Outcome {
    const problem = this.persist();
    return problem === undefined ? outcome : { status: 500, body: errorBody('INTERNAL_ERROR', problem) };
  }

  #sendFault(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, retryAfterSeconds?: number): void {
    if (status === 429) {
      this.#counters.rateLimited();
      sendJson(res, 429, rateLimitBody('TEN_SECONDLY_ROLLING'), { ...headers, 'retry-after': String(retryAfterSeconds ?? 1) });
      return;
    }
    const message = `The emulator answered ${status} as instructed by an injected fault.`;
    const retryAfter = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
    sendJson(res, status, errorBody(categoryForStatus(status), message), { ...headers, ...retryAfter });
  }
}

/** Answers unparseable HTTP with a JSON 400 instead of Node's bare one. */
function onClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody('VALIDATION_ERROR', 'Malformed HTTP request.'));
  socket.end(
    'HTTP/1.1 400 Bad Request\r\n' +
      `content-type: ${JSON_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Starts an emulator and resolves once it is listening. Throws UserError for
 * an invalid fault spec, an unreadable or corrupt state file, or a port that
 * cannot be bound.
 */
export async function startEmulator(config: EmulatorConfig = {}): Promise<RunningEmulator> {
  const host = config.host ?? '127.0.0.1';
  const emulator = new Emulator(config);
  // Node would answer a request without Host with a bare 400 of its own; the
  // emulator needs no Host, and every request is answered (and logged) by it.
  const server = createServer({ requireHostHeader: false }, emulator.onRequest);
  server.on('clientError', onClientError);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(listenError(error, host, config.port ?? 0));
    server.once('error', onError);
    server.listen(config.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After listening, a server error (rare: e.g. EMFILE) is logged, never thrown.
  server.on('error', (error) => config.log?.(`server error: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      emulator.abortWaits();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        const problem = emulator.persist();
        if (problem === undefined) resolve();
        else reject(new UserError(problem));
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { url: `http://${urlHost}:${port}`, port, store: emulator.store, close };
}
