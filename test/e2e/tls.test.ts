// The built CLI (whose bundle patches got's request options) verifies the
// API's TLS certificate: an untrusted one stops the run before any request
// reaches the server, and trusting its CA through NODE_EXTRA_CA_CERTS, as
// the error's hint says, lets the same run through.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { API_KEY, appDocument, envFor, ROOT, runCli, type Service } from './harness.js';

const CERT = join(ROOT, 'test', 'fixtures', 'tls', 'self-signed.cert.pem');
const KEY = join(ROOT, 'test', 'fixtures', 'tls', 'self-signed.key.pem');
const APP_ID = 81;

describe('TLS verification (real CLI, https stub with a self-signed certificate)', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  let dir: TempDir;

  beforeAll(async () => {
    server = createServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: `https://calls.example.com/${APP_ID}`, isReady: true, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    dir = tempDir({ 'channel-connection.yaml': appDocument(APP_ID) });
  });
  afterAll(() => {
    server?.close();
    dir?.remove();
  });

  it('refuses an untrusted certificate: exit 1, a message that says so, nothing sent', async () => {
    const result = await runCli(['plan'], { env: envFor({ url } as Service), cwd: dir.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ was rejected \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(result.stderr).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.stderr).not.toContain(API_KEY);
    expect(requests).toBe(0);
  });

  it('refuses it even with NODE_TLS_REJECT_UNAUTHORIZED=0 (got passes rejectUnauthorized explicitly)', async () => {
    const result = await runCli(['plan'], { env: envFor({ url } as Service, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }), cwd: dir.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/was rejected \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(requests).toBe(0);
  });

  it('accepts it once its CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    const result = await runCli(['plan'], { env: envFor({ url } as Service, { NODE_EXTRA_CA_CERTS: CERT }), cwd: dir.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No changes/);
    expect(requests).toBe(1);
  });
});
