// The webhook HubSpot calls: answers the pre-rendered fixture of the
// request's app, portal and user after checking HubSpot's v3 signature.
// Fixtures are built in memory from the config, so no request ever reads a
// file, and finding a portal's or user's answer is two Map lookups.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { AppConfig } from '../config/model.js';
import { UserError } from '../errors.js';
import { listenError } from '../runtime/listen-error.js';
import { clientSecretFor, malformedSecrets, malformedSecretsMessage, missingSecretMessage } from './client-secret.js';
import { MALFORMED_SECRET_HINT } from '../runtime/secrets.js';
import { createAccessLogFormatter, pathOf } from './access-log.js';
import { renderFixture } from './fixture.js';
import { webhookUrlOf } from './numbers.js';
import { createSignatureVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER, type SignatureFailure, type SignatureVerdict, type SignedRequest } from './signature.js';

/** Largest request body accepted, bytes; larger ones get 413 (DESIGN.md). */
export const MAX_BODY_BYTES = 64 * 1024;
/** How long `close()` waits for in-flight requests before cutting them off, ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/**
 * Open connections at most; more are closed on accept (the client sees it).
 * Above the 10,000-connection flood the bench holds, below the usual
 * 20,000-descriptor limit, so accept never fails with EMFILE.
 */
export const DEFAULT_MAX_CONNECTIONS = 16_384;
/** Body bytes per request that never count against the shared budget: HubSpot's bodies are ~60 bytes. */
export const FREE_BODY_BYTES = 4 * 1024;
/**
 * Body bytes beyond FREE_BODY_BYTES that all unfinished requests may hold
 * together. Past it, the request that would exceed it gets 503 and its
 * connection closes: 10,000 connections holding 64 KiB bodies cannot take
 * 640 MB, and small (HubSpot-sized) requests are never refused for it.
 */
export const DEFAULT_BODY_BUDGET_BYTES = 32 * 1024 * 1024;

/** Time limits of a connection, ms (see startWebhookServer). */
export interface ConnectionTimeouts {
  /** Until a request's headers are complete, counted from its first byte (or the connection's start). */
  headersMs: number;
  /** Until the whole request (headers and body) is in. */
  requestMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveMs: number;
  /** How often the headers/request limits are checked. */
  checkIntervalMs: number;
}

export const DEFAULT_TIMEOUTS: ConnectionTimeouts = { headersMs: 10_000, requestMs: 15_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 };

type HeaderList = [string, string][];

const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

/** A declared portal as served: its answer, and its users' answers by userId. */
export interface ServedPortal {
  reply: Reply;
  users: ReadonlyMap<number, Reply>;
}

/** One app as served: everything a request needs, computed once per (re)load. */
export interface ServedApp {
  appId: number;
  /** The URL HubSpot signs: --public-url, else the channel connection's url. */
  signedUri: string;
  /** The signature check for this app; undefined only with insecureSkipVerify. */
  verify: ((request: SignedRequest) => SignatureVerdict) | undefined;
  /** The 200 answer for a portal the config does not declare: the app's fixture, as `hscc fixtures` writes it. */
  reply: Reply;
  /** Declared portals by portalId. */
  portals: ReadonlyMap<number, ServedPortal>;
}

/** The answer for a request's portal and user: the most specific declaration wins. */
export function replyFor(app: ServedApp, portalId: number | undefined, userId: number | undefined): Reply {
  const portal = portalId === undefined ? undefined : app.portals.get(portalId);
  if (portal === undefined) return app.reply;
  return (userId === undefined ? undefined : portal.users.get(userId)) ?? portal.reply;
}

export interface ServeTableOptions {
  env: Readonly<Record<string, string | undefined>>;
  publicUrl?: string | undefined;
  insecureSkipVerify?: boolean;
}

export type ServeTableResult = { ok: true; apps: ReadonlyMap<number, ServedApp> } | { ok: false; errors: string[] };

/**
 * Builds what `serve` answers from the config: one entry per app whose
 * channel connection is present, with the fixture of every declared level
 * rendered and schema-checked, and its secret resolved. Fails (as a value)
 * when a fixture is invalid or, unless verification is skipped, an app has
 * no client secret.
 */
export function buildServeTable(apps: readonly AppConfig[], options: ServeTableOptions): ServeTableResult {
  const table = new Map<number, ServedApp>();
  const errors: string[] = [];
  const withoutSecret: number[] = [];
  for (const app of apps) {
    const url = webhookUrlOf(app);
    if (url === undefined) continue;
    const secret = clientSecretFor(app.appId, options.env);
    if (secret === undefined && options.insecureSkipVerify !== true) withoutSecret.push(app.appId);
    const invalid: string[] = [];
    // Equal declarations share one buffer: many portals often list the same numbers.
    const replies = new Map<string, Reply>();
    const replyOf = (numbers: AppConfig['phoneNumbers'], where: string): Reply => {
      const fixture = renderFixture(numbers);
      if (!fixture.ok) {
        invalid.push(`app ${app.appId}${where}: the fixture does not match the webhook response schema: ${fixture.errors.join('; ')}`);
        // Never served: an app with an invalid fixture is left out of the table below.
        return UNSERVABLE;
      }
      const known = replies.get(fixture.text);
      if (known !== undefined) return known;
      const body = Buffer.from(fixture.text, 'utf8');
      const reply: Reply = { status: 200, body, headers: jsonHeaders(body) };
      replies.set(fixture.text, reply);
      return reply;
    };
    const reply = replyOf(app.phoneNumbers, '');
    const portals = new Map<number, ServedPortal>();
    for (const portal of app.portals) {
      const portalReply = portal.phoneNumbers === undefined ? reply : replyOf(portal.phoneNumbers, ` portal ${portal.portalId}`);
      const users = new Map<number, Reply>();
      for (const user of portal.users) users.set(user.userId, replyOf(user.phoneNumbers, ` portal ${portal.portalId} user ${user.userId}`));
      portals.set(portal.portalId, { reply: portalReply, users });
    }
    if (invalid.length > 0) {
      errors.push(...invalid);
      continue;
    }
    const signedUri = options.publicUrl ?? url;
    table.set(app.appId, {
      appId: app.appId,
      signedUri,
      verify: secret === undefined ? undefined : createSignatureVerifier({ secret, method: 'POST', uri: signedUri }),
      reply,
      portals,
    });
  }
  if (withoutSecret.length > 0) errors.unshift(missingSecretMessage(withoutSecret));
  // A secret with a trailing newline would make every signature HubSpot sends fail.
  const malformed = malformedSecrets([...table.keys()], options.env);
  if (malformed.length > 0) errors.unshift(`${malformedSecretsMessage(malformed)}; ${MALFORMED_SECRET_HINT}`);
  return errors.length === 0 ? { ok: true, apps: table } : { ok: false, errors };
}

export interface WebhookServerOptions extends ServeTableOptions {
  apps: readonly AppConfig[];
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Epoch milliseconds; checks the signature timestamp. */
  now: () => number;
  /** One access-log line per request (no trailing newline). */
  log?: (line: string) => void;
  /** Default MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /** Default DEFAULT_MAX_CONNECTIONS. */
  maxConnections?: number;
  /** Default DEFAULT_BODY_BUDGET_BYTES. */
  bodyBudgetBytes?: number;
  /** Default DEFAULT_TIMEOUTS; a partial object overrides some. */
  timeouts?: Partial<ConnectionTimeouts>;
}

/** A request waiting for the end of the event-loop turn to be answered. */
interface Pending {
  req: IncomingMessage;
  res: ServerResponse;
  /** performance.now() when the request arrived. */
  started: number;
  body: Buffer;
  /** The answer when it is decided without the body (wrong method, too large…). */
  refusal: Reply | undefined;
  /** The body's appId once read, for the access log. */
  appId: number | undefined;
  /** Bytes of the shared body budget this request held (released when its body is complete). */
  reserved: number;
}

const EMPTY = Buffer.alloc(0);

export type ReloadResult = { ok: true; appCount: number } | { ok: false; errors: string[] };

export interface WebhookServer {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  /** Number of apps being served. */
  appCount(): number;
  /** Swaps in a new config atomically; on failure the old one stays. */
  reload(apps: readonly AppConfig[]): ReloadResult;
  /**
   * Stops accepting connections and resolves once in-flight requests are
   * answered, or after `graceMs` with the stragglers cut off.
   */
  close(graceMs?: number): Promise<void>;
}

/** One prepared answer: status, every header, body bytes. */
export interface Reply {
  status: number;
  body: Buffer;
  /** Every header of the answer (content type and length included). */
  headers: HeaderList;
  /** Error code, for the access log. */
  code?: string;
}

function jsonHeaders(body: Buffer, extra: HeaderList = []): HeaderList {
  return [JSON_TYPE, ['Content-Length', String(body.length)], ...extra];
}

function errorReply(status: number, code: string, message: string, extraHeaders: HeaderList = []): Reply {
  const body = Buffer.from(JSON.stringify({ error: { code, message } }));
  return { status, code, body, headers: jsonHeaders(body, extraHeaders) };
}

const SIGNATURE_REPLIES: Record<SignatureFailure, Reply> = {
  'missing-headers': errorReply(401, 'missing-headers', 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required.'),
  'bad-timestamp': errorReply(401, 'bad-timestamp', 'X-HubSpot-Request-Timestamp must be epoch milliseconds.'),
  'stale-timestamp': errorReply(401, 'stale-timestamp', 'X-HubSpot-Request-Timestamp is more than 5 minutes from the server clock.'),
  'bad-signature': errorReply(401, 'bad-signature', 'X-HubSpot-Signature-v3 does not match the request.'),
};

const HEALTHY_BODY = Buffer.from('{"status":"ok"}');
const HEALTHY: Reply = { status: 200, body: HEALTHY_BODY, headers: jsonHeaders(HEALTHY_BODY) };
const NOT_ALLOWED = errorReply(405, 'method-not-allowed', 'Use POST.', [['Allow', 'POST']]);
const NOT_ALLOWED_HEALTHZ = errorReply(405, 'method-not-allowed', 'Use GET, HEAD, POST.', [['Allow', 'GET, HEAD, POST']]);

/**
 * Starts the webhook server. Throws UserError when the config cannot be
 * served (see buildServeTable) or the port cannot be bound.
 *
 * Every complete request is answered, also from a client that half-closes
 * its side right after sending; the access log gets a line only once an
 * answer has been handed to the socket. Connections are capped
 * (maxConnections), slow headers, slow bodies and idle keep-alives time out,
 * and unfinished bodies share a memory budget (see DEFAULT_BODY_BUDGET_BYTES).
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const tableOptions: ServeTableOptions = {
    env: options.env,
    publicUrl: options.publicUrl,
    insecureSkipVerify: options.insecureSkipVerify === true,
  };
  const initial = buildServeTable(options.apps, tableOptions);
  if (!initial.ok) throw new UserError(initial.errors.join('\n'));
  // Replaced whole on reload; each request reads it once, so a reload never
  // mixes two configs within one request.
  let table = initial.apps;
  let stopping = false;
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const verify = options.insecureSkipVerify !== true;
  const log = options.log;
  const formatLine = createAccessLogFormatter(options.now);
  const tooLarge = errorReply(413, 'body-too-large', `The request body is over ${maxBody} bytes.`);
  const busy = errorReply(503, 'busy', 'Too many unfinished request bodies; retry shortly.', [['Retry-After', '1']]);
  const timeouts: ConnectionTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  let budgetLeft = options.bodyBudgetBytes ?? DEFAULT_BODY_BUDGET_BYTES;

  const deliver = (pending: Pending, reply: Reply): void => {
    const { req, res } = pending;
    // A client that reset the connection meanwhile gets nothing, and nothing is logged.
    if (res.destroyed) return;
    const closing = stopping && !reply.headers.some(([name]) => name === 'Connection');
    res.writeHead(reply.status, closing ? [...reply.headers, ['Connection', 'close']] : reply.headers);
    if (log === undefined) {
      res.end(req.method === 'HEAD' ? undefined : reply.body);
      return;
    }
    // 'finish': the answer went to the socket. A reset before that logs nothing.
    res.end(req.method === 'HEAD' ? undefined : reply.body, () => {
      const durationMs = performance.now() - pending.started;
      log(formatLine({ method: req.method, url: req.url, status: reply.status, durationMs, code: reply.code, appId: pending.appId }));
    });
  };

  /** The answer to a request with its whole body; records the appId on `pending`. */
  const answer = (pending: Pending): Reply => {
    const { req, body } = pending;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return INVALID_JSON;
    }
    if (typeof parsed !== 'object' || parsed === null) return INVALID_APP_ID;
    const { appId, portalId, userId } = parsed as { appId?: unknown; portalId?: unknown; userId?: unknown };
    if (!isPositiveId(appId)) return INVALID_APP_ID;
    pending.appId = appId;
    const app = table.get(appId);
    if (app === undefined) return errorReply(404, 'unknown-app', `No webhook is configured for appId ${appId}.`);
    if (verify) {
      // buildServeTable guarantees a secret when verifying; fail closed anyway.
      const verdict: SignatureVerdict =
        app.verify === undefined
          ? { ok: false, reason: 'bad-signature' }
          : app.verify({
              body,
              signature: headerValue(req, SIGNATURE_HEADER),
              timestamp: headerValue(req, TIMESTAMP_HEADER),
              now: options.now(),
            });
      if (!verdict.ok) return SIGNATURE_REPLIES[verdict.reason];
    }
    // HubSpot always sends both; a body without them gets the app's default numbers.
    if (portalId !== undefined && !isPositiveId(portalId)) return INVALID_PORTAL_ID;
    if (userId !== undefined && !isPositiveId(userId)) return INVALID_USER_ID;
    return replyFor(app, portalId, userId);
  };

  // Requests are answered together at the end of the event-loop turn rather
  // than one by one as their bodies arrive: the turn's signature checks run
  // back to back, and a burst of writes wakes a waiting client once rather
  // than once per answer (Redis writes to its clients just before it sleeps
  // for the same reason). Measured on loopback: about a quarter less CPU per
  // request. The wait is only for the rest of the current turn.
  let inbox: Pending[] = [];
  const answerAll = (): void => {
    const batch = inbox;
    inbox = [];
    for (const pending of batch) {
      let reply: Reply;
      try {
        reply = pending.refusal ?? answer(pending);
      } catch {
        reply = errorReply(500, 'internal', 'The server failed to answer.');
      }
      try {
        deliver(pending, reply);
      } catch {
        pending.res.destroy();
      }
    }
  };
  const enqueue = (pending: Pending): void => {
    if (inbox.push(pending) === 1) setImmediate(answerAll);
  };

  /** Answers without reading the body; a body left unread must not keep the connection. */
  const refuse = (req: IncomingMessage, res: ServerResponse, started: number, reply: Reply): void => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const refusal = hasBody ? { ...reply, headers: [...reply.headers, ['Connection', 'close']] satisfies HeaderList } : reply;
    enqueue({ req, res, started, body: EMPTY, refusal, appId: undefined, reserved: 0 });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    if (req.method !== 'POST') {
      const path = pathOf(req.url);
      if ((req.method === 'GET' || req.method === 'HEAD') && path === '/healthz') return refuse(req, res, started, HEALTHY);
      return refuse(req, res, started, path === '/healthz' ? NOT_ALLOWED_HEALTHZ : NOT_ALLOWED);
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBody) return refuse(req, res, started, tooLarge);
    const pending: Pending = { req, res, started, body: EMPTY, refusal: undefined, appId: undefined, reserved: 0 };
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const release = (): void => {
      budgetLeft += pending.reserved;
      pending.reserved = 0;
    };
    const stop = (reply: Reply): void => {
      // Stop buffering; the connection closes after the reply.
      done = true;
      chunks.length = 0;
      release();
      refuse(req, res, started, reply);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBody) return stop(tooLarge);
      const over = size - FREE_BODY_BYTES - pending.reserved;
      if (over > 0) {
        if (over > budgetLeft) return stop(busy);
        budgetLeft -= over;
        pending.reserved += over;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      release();
      pending.body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      enqueue(pending);
    });
    // A client that goes away mid-body (or times out) is forgotten, and its budget returned.
    req.on('close', () => {
      if (done) return;
      done = true;
      chunks.length = 0;
      release();
    });
    req.on('error', () => undefined);
  };

  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
      // HubSpot's headers are well under 2 KiB; half of Node's 16 KiB default
      // halves what a flood of unfinished headers can hold (431 beyond it).
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    handle,
  );
  // Node ends a connection (and drops unanswered requests) when the client
  // half-closes; with this it answers what it read first, then ends. The
  // property is older than the options bag and not in @types/node.
  (server as unknown as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  // Node's closeIdleConnections() leaves a connection that has sent nothing
  // yet (a load balancer's pre-opened one), so close() would wait out the
  // whole grace for it; these are closed by hand.
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Malformed HTTP, over-long headers, or a timed-out request: answer in
    // JSON when the socket still can, then drop the connection.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const body = JSON.stringify({ error: { code: 'bad-http', message: reason } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => log?.(`${new Date(options.now()).toISOString()} - - ${status} 0.0ms bad-http ${error.code ?? ''}`.trimEnd()),
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(error, options.host ?? '127.0.0.1', options.port ?? 0));
    server.once('error', onError);
    // A deep accept queue: thousands of clients connecting at once must wait, not be reset (the kernel caps it at somaxconn).
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // Later server errors (e.g. EMFILE on accept) are logged, never fatal.
  server.on('error', (error: NodeJS.ErrnoException) => {
    log?.(`${new Date(options.now()).toISOString()} server error: ${error.code ?? error.message}`);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    appCount: () => table.size,
    reload: (apps) => {
      const next = buildServeTable(apps, tableOptions);
      if (!next.ok) return next;
      table = next.apps;
      return { ok: true, appCount: table.size };
    },
    close: (graceMs = DEFAULT_SHUTDOWN_GRACE_MS) =>
      new Promise<void>((resolve) => {
        stopping = true;
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
        for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
      }),
  };
}

const LISTEN_BACKLOG = 4096;
/** Largest request head accepted, bytes. */
const MAX_HEADER_BYTES = 8 * 1024;

const UNSERVABLE = errorReply(500, 'invalid-fixture', 'The configured numbers do not match the webhook response schema.');
const INVALID_JSON = errorReply(400, 'invalid-json', 'The request body is not JSON.');
const INVALID_APP_ID = errorReply(400, 'invalid-app-id', 'The request body needs a positive integer appId.');
const INVALID_PORTAL_ID = errorReply(400, 'invalid-portal-id', 'The request body\'s portalId must be a positive integer.');
const INVALID_USER_ID = errorReply(400, 'invalid-user-id', 'The request body\'s userId must be a positive integer.');

function isPositiveId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
