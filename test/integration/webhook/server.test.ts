import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { renderFixture } from '../../../src/webhook/fixture.js';
import { MAX_BODY_BYTES, buildServeTable, startWebhookServer, type WebhookServer } from '../../../src/webhook/server.js';
import { signRequestV3 } from '../../../src/webhook/signature.js';
import { buildApp, phone, portal } from '../../unit/webhook/build-app.js';
import { send, sendRaw } from './http-client.js';
import { waitFor } from './wait-for.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SECRET = 'shared-secret-value';
const OWN_SECRET = 'own-secret-of-app-2';
const env = { HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_CLIENT_SECRET_2: OWN_SECRET };

const APP1_URL = 'https://hooks.example.com/hubspot/numbers%3Fv%3D1';
const APP2_URL = 'https://example.com/webhook/2';
const app1 = buildApp({
  appId: 1,
  url: APP1_URL,
  phoneNumbers: [phone('+14155552671', 'Support line with a very long name'), phone('+18001231234', 'Desk', '1')],
});
const app2 = buildApp({ appId: 2, phoneNumbers: [phone('+442071838750', 'London')] });
const absent = buildApp({ appId: 3, url: null });
const unmanaged = buildApp({ appId: 4, unmanaged: true });

function fixtureText(app: typeof app1 | typeof app1.phoneNumbers): string {
  const rendered = renderFixture(Array.isArray(app) ? app : app.phoneNumbers);
  if (!rendered.ok) throw new Error('bad fixture');
  return rendered.text;
}

function signed(body: string, options: { secret?: string; uri?: string; now?: number } = {}): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    ...signRequestV3({
      clientSecret: options.secret ?? SECRET,
      method: 'POST',
      url: options.uri ?? APP1_URL,
      body,
      timestamp: options.now ?? NOW,
    }),
  };
}

const body1 = JSON.stringify({ appId: 1, portalId: 42, userId: 7 });
let server: WebhookServer | undefined;
let logs: string[] = [];

async function start(options: Partial<Parameters<typeof startWebhookServer>[0]> = {}): Promise<WebhookServer> {
  logs = [];
  server = await startWebhookServer({ apps: [app1, app2, absent, unmanaged], env, now: () => NOW, log: (line) => logs.push(line), ...options });
  return server;
}

afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

function errorCode(text: string): unknown {
  return (JSON.parse(text) as { error: { code: unknown } }).error.code;
}

describe('webhook server over a real socket', () => {
  it('prints a loopback base URL with the bound port', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.endsWith(':0')).toBe(false);
  });

  it('answers a validly signed POST with the exact fixture bytes', async () => {
    const { url } = await start();
    const res = await send(`${url}/any/path?x=1`, { body: body1, headers: signed(body1) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe(fixtureText(app1));
    expect(JSON.parse(res.text)).toEqual({
      phoneNumbers: [
        { e164PhoneNumber: '+14155552671', friendlyName: 'Support line with a very' },
        { e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'Desk' },
      ],
    });
  });

  it('uses the per-app secret when one is set', async () => {
    const { url } = await start();
    const body = JSON.stringify({ appId: 2, portalId: 1, userId: 1 });
    const uri = APP2_URL;
    expect((await send(url, { body, headers: signed(body, { secret: OWN_SECRET, uri }) })).status).toBe(200);
    const shared = await send(url, { body, headers: signed(body, { secret: SECRET, uri }) });
    expect([shared.status, errorCode(shared.text)]).toEqual([401, 'bad-signature']);
  });

  it('rejects a tampered body', async () => {
    const { url } = await start();
    const tampered = body1.replace('"userId":7', '"userId":8');
    const res = await send(url, { body: tampered, headers: signed(body1) });
    expect(res.status).toBe(401);
    expect(errorCode(res.text)).toBe('bad-signature');
  });

  it('rejects stale and far-future timestamps', async () => {
    const { url } = await start();
    for (const now of [NOW - 5 * 60_000 - 1, NOW + 5 * 60_000 + 1]) {
      const res = await send(url, { body: body1, headers: signed(body1, { now }) });
      expect([res.status, errorCode(res.text)]).toEqual([401, 'stale-timestamp']);
    }
  });

  it('rejects requests without the signature headers', async () => {
    const { url } = await start();
    const res = await send(url, { body: body1, headers: { 'Content-Type': 'application/json' } });
    expect([res.status, errorCode(res.text)]).toEqual([401, 'missing-headers']);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 'missing-headers', message: expect.stringContaining('X-HubSpot-Signature-v3') } });
  });

  it('refuses an oversized body with 413, by Content-Length or while streaming', async () => {
    const { url } = await start();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
    const declared = await send(url, { body: big, headers: signed('') });
    expect([declared.status, errorCode(declared.text)]).toEqual([413, 'body-too-large']);
    const chunked = await send(url, { chunks: [big.subarray(0, 40_000), big.subarray(40_000)], headers: { 'Transfer-Encoding': 'chunked' } });
    expect([chunked.status, errorCode(chunked.text)]).toEqual([413, 'body-too-large']);
    // The server is still healthy afterwards.
    expect((await send(`${url}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    const { url } = await start();
    const get = await send(`${url}/hook`, { method: 'GET' });
    expect([get.status, errorCode(get.text), get.headers.allow]).toEqual([405, 'method-not-allowed', 'POST']);
    const put = await send(`${url}/hook`, { method: 'PUT', body: body1, headers: signed(body1) });
    expect(put.status).toBe(405);
    const deleteHealth = await send(`${url}/healthz`, { method: 'DELETE' });
    expect([deleteHealth.status, deleteHealth.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
  });

  it('answers 404 for an unknown app and for an app whose channel connection is absent or not managed', async () => {
    const { url } = await start();
    for (const appId of [999, 3, 4]) {
      const body = JSON.stringify({ appId, portalId: 1, userId: 1 });
      const res = await send(url, { body, headers: signed(body) });
      expect([res.status, errorCode(res.text)]).toEqual([404, 'unknown-app']);
    }
  });

  it('answers 400 for malformed JSON and a missing or non-integer appId', async () => {
    const { url } = await start();
    const cases: [string, string][] = [
      ['{"appId": 1', 'invalid-json'],
      ['', 'invalid-json'],
      ['null', 'invalid-app-id'],
      ['{"appId": "1"}', 'invalid-app-id'],
      ['{"appId": 1.5}', 'invalid-app-id'],
      ['{"appId": -1}', 'invalid-app-id'],
      ['[1]', 'invalid-app-id'],
    ];
    for (const [body, code] of cases) {
      const res = await send(url, { body, headers: signed(body) });
      expect([body, res.status, errorCode(res.text)]).toEqual([body, 400, code]);
    }
  });

  it('answers malformed HTTP with a JSON 400 and keeps serving', async () => {
    const { url } = await start();
    const answer = await sendRaw(url, 'NOT-HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('"code":"bad-http"');
    expect((await send(`${url}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('serves GET /healthz', async () => {
    const { url } = await start();
    const res = await send(`${url}/healthz`, { method: 'GET' });
    expect([res.status, res.text]).toEqual([200, '{"status":"ok"}']);
  });

  it('signs against --public-url when given, not settings.url', async () => {
    const publicUrl = 'https://proxy.example.com/hubspot(prod)';
    const { url } = await start({ publicUrl });
    expect((await send(url, { body: body1, headers: signed(body1, { uri: publicUrl }) })).status).toBe(200);
    expect((await send(url, { body: body1, headers: signed(body1) })).status).toBe(401);
    // HubSpot's table: %28/%29 in the called URL sign as ( and ).
    expect((await send(url, { body: body1, headers: signed(body1, { uri: 'https://proxy.example.com/hubspot%28prod%29' }) })).status).toBe(200);
  });

  it('logs one line per request: method, path without query, status, time; no secrets, no bodies', async () => {
    const { url } = await start();
    await send(`${url}/hook?token=abc`, { body: body1, headers: signed(body1) });
    await send(`${url}/hook`, { body: body1, headers: signed(body1, { now: 0 }) });
    await waitFor(() => (logs.length >= 2 ? true : undefined), 'two log lines');
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z POST \/hook 200 \d+\.\dms app=1$/);
    expect(logs[1]).toMatch(/ POST \/hook 401 \d+\.\dms stale-timestamp app=1$/);
    const all = logs.join('\n');
    for (const secret of [SECRET, OWN_SECRET, 'token=abc', 'portalId']) expect(all).not.toContain(secret);
  });

  it('reloads atomically: the new config answers, and a bad one leaves the old in place', async () => {
    const srv = await start();
    const renamed = buildApp({ ...app1, phoneNumbers: [phone('+14155552671', 'Renamed')] });
    expect(srv.reload([renamed])).toEqual({ ok: true, appCount: 1 });
    const res = await send(srv.url, { body: body1, headers: signed(body1) });
    expect(JSON.parse(res.text)).toEqual({ phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Renamed' }] });

    const refused = buildServeTable([buildApp({ appId: 77 })], { env: {} });
    expect(refused).toEqual({ ok: false, errors: [expect.stringContaining('HUBSPOT_CLIENT_SECRET_77')] });
  });

  it('keeps the previous config when the new one cannot be served', async () => {
    const srv = await start({ env: { HUBSPOT_CLIENT_SECRET_1: SECRET, HUBSPOT_CLIENT_SECRET_2: OWN_SECRET } });
    const result = srv.reload([app1, buildApp({ appId: 5 })]);
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(/no client secret for app 5/)] });
    expect(srv.appCount()).toBe(2);
    expect((await send(srv.url, { body: body1, headers: signed(body1) })).status).toBe(200);
  });

  it('drops no request while reloading under load', async () => {
    const srv = await start();
    const renamed = buildApp({ ...app1, phoneNumbers: [phone('+14155552671', 'Renamed')] });
    const requests = Array.from({ length: 60 }, (_, i) => {
      if (i === 30) srv.reload([renamed, app2]);
      return send(srv.url, { body: body1, headers: signed(body1) });
    });
    const results = await Promise.all(requests);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const bodies = new Set(results.map((r) => r.text));
    expect([...bodies].every((b) => b === fixtureText(app1) || b === fixtureText(renamed))).toBe(true);
  });

  it('answers each of many requests that arrive together with its own answer, and logs each once', async () => {
    const srv = await start();
    const body2 = JSON.stringify({ appId: 2, portalId: 42, userId: 7 });
    const headers2 = signed(body2, { secret: OWN_SECRET, uri: APP2_URL });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 3
          ? send(srv.url, { body: body1, headers: signed(body1, { now: 0 }) })
          : send(srv.url, i % 2 === 0 ? { body: body1, headers: signed(body1) } : { body: body2, headers: headers2 }),
      ),
    );
    results.forEach((res, i) => {
      if (i % 4 === 3) expect([res.status, errorCode(res.text)]).toEqual([401, 'stale-timestamp']);
      else expect([res.status, res.text]).toEqual([200, fixtureText(i % 2 === 0 ? app1 : app2)]);
    });
    await waitFor(() => (logs.length >= 40 ? true : undefined), 'forty log lines');
    expect(logs).toHaveLength(40);
    expect(logs.filter((line) => / 200 [\d.]+ms app=1$/.test(line))).toHaveLength(20);
    expect(logs.filter((line) => / 200 [\d.]+ms app=2$/.test(line))).toHaveLength(10);
    expect(logs.filter((line) => / 401 [\d.]+ms stale-timestamp app=1$/.test(line))).toHaveLength(10);
  });

  it('refuses to start with a secret that ends in a newline, which would fail every signature', async () => {
    await expect(startWebhookServer({ apps: [app1], env: { HUBSPOT_CLIENT_SECRET: `${SECRET}\n` }, now: () => NOW })).rejects.toThrow(
      /malformed client secret: HUBSPOT_CLIENT_SECRET ends with a line break/,
    );
  });

  it('refuses to start without a secret, and starts with insecureSkipVerify, accepting unsigned requests', async () => {
    await expect(startWebhookServer({ apps: [app1], env: {}, now: () => NOW })).rejects.toThrow(
      /no client secret for app 1: set HUBSPOT_CLIENT_SECRET_1 or HUBSPOT_CLIENT_SECRET/,
    );
    const { url } = await start({ env: {}, insecureSkipVerify: true });
    const res = await send(url, { body: body1, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('reports a busy port as a user error', async () => {
    const { url } = await start();
    const port = Number(new URL(url).port);
    const refused = startWebhookServer({ apps: [app1], env, now: () => NOW, port });
    await expect(refused).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: the port is already in use (an earlier hscc serve or emulator still running?).`);
    await expect(refused).rejects.toMatchObject({ hint: 'stop that process, or pick another --port (0 picks a free one).' });
  });

  it('closes at once with a connection open that has sent nothing, as a load balancer pre-opens them', async () => {
    const srv = await start();
    const { port } = new URL(srv.url);
    const silent = connect(Number(port), '127.0.0.1');
    const ended = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    // By the answer on another connection, the server has accepted the silent one.
    await new Promise<void>((resolve) => silent.once('connect', () => resolve()));
    expect((await send(`${srv.url}/healthz`, { method: 'GET' })).status).toBe(200);
    server = undefined;
    // The grace is far longer than the test's timeout: only closing the silent socket ends this.
    await srv.close(60_000);
    await ended;
  });

  it('finishes an in-flight request on close, then stops accepting', async () => {
    const srv = await start();
    let finishBody: () => void = () => undefined;
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(srv.url, { method: 'POST', headers: { ...signed(body1), 'Content-Length': String(body1.length) }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(body1.slice(0, 10));
      finishBody = () => req.end(body1.slice(10));
    });
    // A round trip on another connection: by its answer the server has read the half-sent request.
    expect((await send(`${srv.url}/healthz`, { method: 'GET' })).status).toBe(200);
    const closed = srv.close(5_000);
    server = undefined;
    finishBody();
    expect(await answered).toBe(200);
    await closed;
    await expect(send(`${srv.url}/healthz`, { method: 'GET' })).rejects.toThrow(/ECONNREFUSED/);
  });
});
