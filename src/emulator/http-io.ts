// Small node:http helpers shared by the API and the control routes.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** HubSpot answers JSON with this content type. */
export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

/** Request bodies above this many bytes are answered 413 (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Sends a JSON body: a value to serialise, or JSON text as is. No-op once the socket is gone. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends an HTML page (the answer to a path that is not an API route). */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: OutgoingHttpHeaders = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** Sends a status without a body (204). */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, headers);
  res.end();
}

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

/**
 * Reads the whole request body as UTF-8. Past `limit` bytes it keeps
 * draining but drops the data, so the client still gets its 413 instead of
 * a reset mid-upload. Rejects when the connection dies first.
 */
export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () => {
      resolve(size > limit ? { ok: false, tooLarge: true } : { ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client closed the connection before sending the whole body'));
    });
  });
}
