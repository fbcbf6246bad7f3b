// A small HTTP server on 127.0.0.1 that misbehaves on purpose, for tests and
// benchmarks of the HubSpot client against servers hscc does not control.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How every request is answered. */
export type HostileMode =
  /** 200 declaring a 2 GiB Content-Length, then zeros as fast as the client reads. */
  | 'huge-body'
  /** 200, chunked, JSON-looking chunks forever. */
  | 'endless-chunked'
  /** 200 headers, then one byte every `trickleMs`, never ending. */
  | 'trickle'
  /** 200 declaring 1000 bytes, sending 20, then closing the connection. */
  | 'cut-off'
  /** Answers bytes that are not HTTP (`HXTP/1.1 200 OK`), then closes the connection. */
  | 'not-http'
  /** `status` (default 401) echoing the request's query and Authorization in a HubSpot-shaped body, an `X-Echo` header and `Location`. */
  | 'echo-secrets'
  /** nginx-style HTML 404. */
  | 'html-404'
  /** nginx-style HTML 502. */
  | 'html-502'
  /** Headers sent (200, JSON), then silence. */
  | 'hang-after-headers'
  /** Accepts the connection, reads the request, never answers. */
  | 'never-answer'
  /** 422 whose reason phrase holds terminal escape sequences (ESC, OSC, BEL). */
  | 'escape-reason'
  /** 302 whose Location holds a C1 CSI and a bidi override (bytes Node reads as latin1). */
  | 'escape-location'
  /** Writes answered 200 `{"status":"ok"}` (not the resource); reads answered `options.resource`. */
  | 'wrong-shape-write'
  /** 200 at once, declaring gzip, with a body that is not gzip. */
  | 'bad-gzip';

export interface HostileOptions {
  /** Status for `echo-secrets`. */
  status?: number;
  /** Gap between bytes for `trickle` (ms, default 20). */
  trickleMs?: number;
  /** What `wrong-shape-write` answers a GET with. */
  resource?: unknown;
}

/** One request as received: method, path with query, headers (lower-case names). */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface HostileServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  /** Bytes of answer bodies written so far (all requests). */
  bytesSent(): number;
  /** Changes how later requests are answered. */
  setMode(mode: HostileMode, options?: HostileOptions): void;
  /** Stops the server and destroys every open connection. */
  close(): Promise<void>;
}

const HTML_404 = '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML_502 = HTML_404.replaceAll('404 Not Found', '502 Bad Gateway');

/** Starts a hostile server on 127.0.0.1 with an ephemeral port. */
export async function startHostileServer(initial: HostileMode, initialOptions: HostileOptions = {}): Promise<HostileServer> {
  let mode = initial;
  let options = initialOptions;
  let sent = 0;
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** Writes `next()` chunks while the client keeps reading, until the connection closes. */
  const pump = (res: ServerResponse, next: () => Buffer | string) => {
    const write = () => {
      while (!res.destroyed) {
        const chunk = next();
        sent += Buffer.byteLength(chunk);
        if (!res.write(chunk)) {
          res.once('drain', write);
          return;
        }
      }
    };
    write();
  };

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    switch (mode) {
      case 'huge-body': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 ** 3) });
        const zeros = Buffer.alloc(64 * 1024, 0x30);
        pump(res, () => zeros);
        return;
      }
      case 'endless-chunked': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.from(`{"url":"https://example.com/${'x'.repeat(16 * 1024)}",`);
        pump(res, () => chunk);
        return;
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        const timer = setInterval(() => {
          if (res.destroyed) return;
          sent += 1;
          res.write(' ');
        }, options.trickleMs ?? 20);
        timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'cut-off': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"url":"https://exam');
        sent += 20;
        // Let the bytes leave before the connection drops.
        setImmediate(() => res.socket?.destroy());
        return;
      }
      case 'not-http':
        // Raw bytes on the socket: Node's own response writer would only send valid HTTP.
        res.socket?.end('HXTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
        return;
      case 'echo-secrets': {
        const authorization = req.headers.authorization ?? '';
        const query = new URL(req.url ?? '/', 'http://127.0.0.1').search;
        const echo = `${req.url ?? ''} ${authorization} ${decodeURIComponent(query)}`;
        const body = JSON.stringify({
          status: 'error',
          message: `Rejected ${echo}`,
          correlationId: `corr ${authorization}`,
          category: 'INVALID_AUTHENTICATION',
          errors: [{ message: `query was ${query}` }],
        });
        sent += Buffer.byteLength(body);
        res.writeHead(options.status ?? 401, {
          'content-type': 'application/json',
          'x-echo': encodeURIComponent(echo),
          location: `https://evil.example.com/login${query}&auth=${encodeURIComponent(authorization)}`,
        });
        res.end(body);
        return;
      }
      case 'html-404':
      case 'html-502': {
        const body = mode === 'html-404' ? HTML_404 : HTML_502;
        sent += body.length;
        res.writeHead(mode === 'html-404' ? 404 : 502, { 'content-type': 'text/html' });
        res.end(body);
        return;
      }
      case 'hang-after-headers':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      case 'never-answer':
        return;
      case 'escape-reason':
        // Raw bytes: Node's response writer refuses control characters in a reason phrase; its parser accepts them.
        res.socket?.end('HTTP/1.1 422 Bad\x1b]0;owned\x07\x1b[1A\x1b[2K\x1b[31mRED\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        return;
      case 'escape-location':
        res.socket?.end(
          Buffer.concat([
            Buffer.from('HTTP/1.1 302 Found\r\nlocation: http://x/'),
            Buffer.from('\u009b31mabc\u202e', 'utf8'),
            Buffer.from('\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
          ]),
        );
        return;
      case 'wrong-shape-write': {
        const body = req.method === 'GET' ? JSON.stringify(options.resource ?? {}) : '{"status":"ok"}';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
      case 'bad-gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end('this is not gzip');
        return;
    }
  };

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    // Read the request body fully before misbehaving, as a real server would.
    req.resume();
    req.on('end', () => answer(req, res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bytesSent: () => sent,
    setMode(next, nextOptions = {}) {
      mode = next;
      options = nextOptions;
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
