import { UserError } from '../errors.js';

/**
 * The error for a server (`hscc serve`, `hscc emulator`) that could not
 * listen on `host:port`: the usual causes as one clear line with what to do;
 * anything else is returned as is.
 */
export function listenError(error: Error & { code?: string }, host: string, port: number): Error {
  const where = `cannot listen on ${host}:${port}`;
  if (error.code === 'EADDRINUSE') {
    return new UserError(`${where}: the port is already in use (an earlier hscc serve or emulator still running?).`, {
      hint: 'stop that process, or pick another --port (0 picks a free one).',
    });
  }
  if (error.code === 'EACCES') {
    return new UserError(`${where}: permission denied.`, { hint: 'ports below 1024 need privileges: pick one above 1023 with --port (0 picks a free one).' });
  }
  if (error.code === 'EADDRNOTAVAIL') return new UserError(`${where}: no such local address.`, { hint: 'use 127.0.0.1 or ::1.' });
  return error;
}
