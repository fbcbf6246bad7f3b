// The access-log line of `serve`: time, method, path, status, duration, and
// an error code and app when there is one. Never the query (it may carry
// tokens), headers or bodies. Formatting is on the hot path of every request,
// so the timestamp and the escaped path are reused while they repeat.

/** Longest path written, in characters; longer ones end with an ellipsis. */
const MAX_PATH_CHARS = 200;

export interface AccessLogEntry {
  method: string | undefined;
  url: string | undefined;
  status: number;
  durationMs: number;
  /** Error code of the answer, if any. */
  code?: string | undefined;
  appId?: number | undefined;
}

/** Returns a formatter of access-log lines (no trailing newline); `now` is epoch ms. */
export function createAccessLogFormatter(now: () => number): (entry: AccessLogEntry) => string {
  let stampMs = Number.NaN;
  let stamp = '';
  let lastUrl: string | undefined;
  let lastPath = logPath(undefined);
  return ({ method, url, status, durationMs, code, appId }) => {
    const ms = now();
    if (ms !== stampMs) {
      stampMs = ms;
      stamp = new Date(ms).toISOString();
    }
    if (url !== lastUrl) {
      lastUrl = url;
      lastPath = logPath(url);
    }
    const tenths = Math.round(durationMs * 10);
    const duration = `${Math.trunc(tenths / 10)}.${tenths % 10}ms`;
    return `${stamp} ${method ?? '-'} ${lastPath} ${status} ${duration}${code === undefined ? '' : ` ${code}`}${appId === undefined ? '' : ` app=${appId}`}`;
  };
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/** The path without its query, printable ASCII only (others percent-escaped), bounded. */
export function logPath(url: string | undefined): string {
  const path = pathOf(url).replace(
    /[^\x21-\x7e]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS)}…` : path;
}
