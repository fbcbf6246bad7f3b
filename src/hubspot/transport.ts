import { Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { TimeoutError } from 'got';
import { isRecord } from '../is-record.js';
import type { HttpMethod } from './errors.js';

/** Answer bodies above this many bytes are an error (DESIGN.md "The HubSpot API": 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** One complete HTTP answer, body as text. */
export interface Reply {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How one attempt ended. Never holds got's error, whose options carry the URL with `hapikey`. */
export type AttemptResult =
  | { kind: 'reply'; reply: Reply }
  /**
   * No complete answer: `phase` `request` before any response headers (a
   * refused or reset connection, a timeout), `body` after them (the answer
   * was cut off, or timed out while being read).
   */
  | { kind: 'network'; code: string; timedOut: boolean; phase: 'request' | 'body' }
  /** The body passed MAX_BODY_BYTES (or its Content-Length said it would); reading stopped there. */
  | { kind: 'too-large'; status: number; declaredBytes: number | undefined };

export interface AttemptRequest {
  url: string;
  method: HttpMethod;
  /** Extra headers (the credential); every request already asks for JSON. */
  headers: Record<string, string>;
  searchParams: Record<string, string>;
  /** A JSON body, sent when defined. */
  json?: unknown;
}

/**
 * Creates the function that sends one request and reads its answer. The
 * body is streamed and reading stops at MAX_BODY_BYTES, so memory stays
 * bounded whatever the server sends; `timeoutMs` bounds the whole attempt,
 * connection to last body byte, so a trickling or stalled body ends too.
 * got's own retries and redirects are off: the client's policy decides both.
 * All requests share one keep-alive agent per protocol, so a run reuses a
 * few connections instead of opening one per request.
 */
export function createTransport(timeoutMs: number): (request: AttemptRequest) => Promise<AttemptResult> {
  // Node 20's global agents keep connections alive too; owning them makes
  // that independent of whatever else changes the globals. No socket limit:
  // the caller bounds what is in flight (--parallelism). Idle sockets are
  // unreferenced by Node, so they never keep the process alive, and closed
  // after 5 s (as the global agents do) before servers drop them.
  const agentOptions = { keepAlive: true, timeout: 5_000 };
  const http = got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    timeout: { request: timeoutMs },
    agent: { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) },
    headers: { accept: 'application/json' },
  });

  return (request) =>
    new Promise<AttemptResult>((resolve) => {
      let settled = false;
      let status: number | undefined;
      let statusText = '';
      let headers: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      let size = 0;
      // The query is encoded here as got would (URLSearchParams): got's
      // searchParams option costs a merge of its own on every request.
      const query = new URLSearchParams(request.searchParams).toString();
      const stream = http.stream(query === '' ? request.url : `${request.url}?${query}`, {
        method: request.method,
        headers: request.headers,
        ...(request.json === undefined ? {} : { json: request.json }),
      });
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
        if (result.kind !== 'reply') stream.destroy();
      };
      stream.on('response', (response: { statusCode: number; statusMessage?: string; headers: IncomingHttpHeaders }) => {
        status = response.statusCode;
        statusText = response.statusMessage ?? '';
        headers = response.headers;
        const declared = Number(headers['content-length']);
        if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) finish({ kind: 'too-large', status, declaredBytes: declared });
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish({ kind: 'too-large', status: status ?? 0, declaredBytes: undefined });
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        finish({ kind: 'reply', reply: { status: status ?? 0, statusText, headers, body: Buffer.concat(chunks).toString('utf8') } });
      });
      stream.on('error', (error: unknown) => {
        const phase = status === undefined ? 'request' : 'body';
        // got wraps every failure in a RequestError (TimeoutError for timeouts); keep only the code.
        const code = isRecord(error) && typeof error.code === 'string' ? error.code : 'ERR_REQUEST';
        finish({ kind: 'network', code, timedOut: error instanceof TimeoutError, phase });
      });
      // got does not end a body-less DELETE (or PATCH) stream by itself.
      if (request.json === undefined && request.method !== 'GET') stream.end();
    });
}
