// The emulator's HTTP server: HubSpot's channel-connection settings API in
// both flavours, plus the control API. Behaviour is specified in SPEC.md.
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitSpec } from '../commands/options.js';
import { UserError } from '../errors.js';
import { CONTROL_PREFIX, handleControl, type ControlContext } from './control.js';
import { RequestCounters } from './counters.js';
import { FaultQueue, parseFaultSpec } from './faults.js';
import { JSON_CONTENT_TYPE, readBody, sendEmpty, sendJson } from './http-io.js';
import { RollingRateLimiter, type RateLimitVerdict } from './rate-limit.js';
import { categoryForStatus, errorBody, rateLimitBody } from './responses.js';
import { isAccepted, matchApiRoute, type EmulatorCredentials } from './routes.js';
import { readStateFile, writeStateFile } from './state-file.js';
import { EmulatorStore, type WriteResult } from './store.js';
import { parseAppId, parseJsonBody, validateCreateBody, validateUpdateBody } from './validation.js';

export type { EmulatorCredentials } from './routes.js';

/** How to run an emulator. Everything is optional; defaults suit tests. */
export interface EmulatorConfig {
  /** Address to listen on (default 127.0.0.1). Callers restrict it to loopback. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  credentials?: EmulatorCredentials;
  /** Per-credential rolling window; undefined means no limit and no rate-limit headers. */
  rateLimit?: RateLimitSpec | undefined;
  /** Added to every API response, milliseconds. */
  latencyMs?: number;
  /** `METHOD:COUNT:KIND` specs; an invalid one is a UserError naming it. */
  faults?: readonly string[];
  /** Load state from here at start (missing = empty) and save it after every write and on close. */
  statePath?: string | undefined;
  /** Epoch milliseconds, for timestamps and the rate-limit window (default Date.now). */
  now?: () => number;
  /** Receives one access-log line per request (method, path without query, status, ms). */
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

const API_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
const ALLOW = API_METHODS.join(', ');
const ROUTES_HINT =
  'Channel-connection settings live at /crm/v3/extensions/calling/{appId}/settings/channel-connection ' +
  'and /crm/extensions/calling/2026-03/{appId}/settings/channel-connection.';
/** How long in-flight requests may finish after close() before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

function rateLimitHeaders(verdict: RateLimitVerdict): OutgoingHttpHeaders {
  return {
    'x-hubspot-ratelimit-max': String(verdict.max),
    'x-hubspot-ratelimit-remaining': String(verdict.remaining),
    'x-hubspot-ratelimit-interval-milliseconds': String(verdict.intervalMs),
  };
}

function notFoundBody(appId: number) {
  return errorBody('OBJECT_NOT_FOUND', `No channel connection settings exist for app ${appId}.`);
}

/** An API response decided by the handler, sent in one place. */
interface Outcome {
  status: number;
  /** JSON text or a value to serialise; undefined for 204. */
  body?: unknown;
}

function writeOutcome(result: WriteResult, appId: number): Outcome {
  if (result.ok) return { status: 200, body: result.settings };
  if (result.error === 'conflict') {
    const message = `Channel connection settings already exist for app ${appId}; use PATCH to change them.`;
    return { status: 409, body: errorBody('CONFLICT', message) };
  }
  return { status: 404, body: notFoundBody(appId) };
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
  readonly #limiter: RollingRateLimiter | undefined;
  readonly #credentials: EmulatorCredentials;
  readonly #latencyMs: number;
  readonly #statePath: string | undefined;
  readonly #now: () => number;
  readonly #log: ((line: string) => void) | undefined;
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
    if (this.#statePath !== undefined) this.store.load(readStateFile(this.#statePath));
    this.#control = {
      store: this.store,
      faults: this.#faults,
      counters: this.#counters,
      persist: () => this.persist(),
      reset: () => {
        this.store.clear();
        this.#faults.clear();
        this.#counters.reset();
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
    if (!isControl) this.#counters.begin(method);
    res.once('close', () => {
      if (!isControl) this.#counters.end();
      // The query is never logged: it carries the hapikey.
      const status = res.writableFinished ? String(res.statusCode) : 'reset';
      this.#log?.(`${method} ${path} ${status} ${Math.round(performance.now() - started)}ms`);
    });
    const work = isControl ? handleControl(req, res, path, method, this.#control) : this.#api(req, res, path, query, method);
    work.catch((error: unknown) => this.#fail(res, error));
  };

  /** Saves the state file, if any; returns the problem instead of throwing. */
  persist(): string | undefined {
    if (this.#statePath === undefined) return undefined;
    try {
      writeStateFile(this.#statePath, this.store.snapshot());
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

  async #api(req: IncomingMessage, res: ServerResponse, path: string, query: string, method: string): Promise<void> {
    const route = matchApiRoute(path);
    if (route === undefined) {
      sendJson(res, 404, errorBody('NOT_FOUND', `No API route ${path}. ${ROUTES_HINT}`));
      return;
    }
    const { flavour } = route;
    const credential = flavour.credential(req, query);
    const limiter = this.#limiter;
    const limitKey = credential ?? '';
    // Responses that don't count against the limit still report it.
    const peek = (): OutgoingHttpHeaders => (limiter === undefined ? {} : rateLimitHeaders(limiter.peek(limitKey, this.#now())));

    if (!API_METHODS.includes(method)) {
      sendJson(res, 405, errorBody('VALIDATION_ERROR', `${method} is not supported here; use ${ALLOW}.`), { allow: ALLOW, ...peek() });
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
        const appId = parseAppId(route.appIdText);
        const stamp = new Date(this.#now()).toISOString();
        const full =
          (appId === undefined ? undefined : this.store.getJson(appId)) ??
          JSON.stringify({ url: 'https://example.com/help-desk', isReady: false, createdAt: stamp, updatedAt: stamp });
        sendJson(res, 200, full.slice(0, Math.floor(full.length / 2)), peek());
        return;
      }
      default:
        break;
    }

    if (!isAccepted(credential, flavour.expected(this.#credentials))) {
      const message = credential === undefined || credential === '' ? flavour.missingMessage : flavour.invalidMessage;
      sendJson(res, 401, errorBody('INVALID_AUTHENTICATION', message), peek());
      return;
    }

    let headers: OutgoingHttpHeaders = {};
    if (limiter !== undefined) {
      const verdict = limiter.take(limitKey, this.#now());
      headers = rateLimitHeaders(verdict);
      if (!verdict.allowed) {
        this.#counters.rateLimited();
        sendJson(res, 429, rateLimitBody('TEN_SECONDLY_ROLLING'), { ...headers, 'retry-after': String(verdict.retryAfterSeconds) });
        return;
      }
    }

    const appId = parseAppId(route.appIdText);
    if (appId === undefined) {
      const errors = [{ message: 'appId must be a positive 32-bit integer.', in: 'appId' }];
      const message = `Invalid appId "${route.appIdText}": expected a positive 32-bit integer.`;
      sendJson(res, 400, errorBody('VALIDATION_ERROR', message, errors), headers);
      return;
    }

    const outcome = await this.#perform(req, method, appId);
    if (fault?.type === 'error-after-write' && outcome.status < 300) {
      this.#sendFault(res, 500, headers);
      return;
    }
    if (outcome.body === undefined) sendEmpty(res, outcome.status, headers);
    else sendJson(res, outcome.status, outcome.body, headers);
  }

  /** The request's effect on the store, and the answer HubSpot would give. */
  async #perform(req: IncomingMessage, method: string, appId: number): Promise<Outcome> {
    if (method === 'GET') {
      const json = this.store.getJson(appId);
      return json === undefined ? { status: 404, body: notFoundBody(appId) } : { status: 200, body: json };
    }
    if (method === 'DELETE') {
      if (!this.store.delete(appId).ok) return { status: 404, body: notFoundBody(appId) };
      return this.#saved({ status: 204 });
    }
    const body = await readBody(req);
    if (!body.ok) return { status: 413, body: errorBody('VALIDATION_ERROR', 'The request body is larger than 1 MiB.') };
    const json = parseJsonBody(body.text);
    if (!json.ok) return { status: 400, body: errorBody('VALIDATION_ERROR', json.message, json.errors) };
    if (method === 'POST') {
      const settings = validateCreateBody(json.value);
      if (!settings.ok) return { status: 400, body: errorBody('VALIDATION_ERROR', settings.message, settings.errors) };
      const result = this.store.create(appId, settings.value);
      return result.ok ? this.#saved(writeOutcome(result, appId)) : writeOutcome(result, appId);
    }
    const patch = validateUpdateBody(json.value);
    if (!patch.ok) return { status: 400, body: errorBody('VALIDATION_ERROR', patch.message, patch.errors) };
    const result = this.store.update(appId, patch.value);
    return result.ok ? this.#saved(writeOutcome(result, appId)) : writeOutcome(result, appId);
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

function listenError(error: Error & { code?: string }, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new UserError(`cannot listen on ${host}:${port}: the port is already in use.`, {
      hint: 'pick another --port, or 0 for a free one.',
    });
  }
  if (error.code === 'EACCES') return new UserError(`cannot listen on ${host}:${port}: permission denied.`);
  if (error.code === 'EADDRNOTAVAIL') return new UserError(`cannot listen on ${host}:${port}: no such local address.`);
  return error;
}

/**
 * Starts an emulator and resolves once it is listening. Throws UserError for
 * an invalid fault spec, an unreadable or corrupt state file, or a port that
 * cannot be bound.
 */
export async function startEmulator(config: EmulatorConfig = {}): Promise<RunningEmulator> {
  const host = config.host ?? '127.0.0.1';
  const emulator = new Emulator(config);
  const server = createServer(emulator.onRequest);
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
