import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../src/config/model.js';
import { MAX_ANSWER_BYTES, probeDeclaredLevels, probeWebhook } from '../../../src/webhook/probe.js';
import { startWebhookServer } from '../../../src/webhook/server.js';
import { verifySignatureV3 } from '../../../src/webhook/signature.js';
import { buildApp, phone, portal } from '../../unit/webhook/build-app.js';

const SECRET = 'probe-secret';
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const options = { portalId: 42, userId: 7, secret: SECRET, timeoutMs: 2_000, now: () => NOW };
const numbers = [phone('+14155552671', 'Support line with a very long name'), phone('+18001231234', 'Desk', '1')];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A stand-in webhook that records what it received and answers as told. */
async function fakeWebhook(answer: (res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function appAt(url: string, phoneNumbers = numbers, portals: AppConfig['portals'] = []): AppConfig {
  return buildApp({ appId: 1234567, url, phoneNumbers, portals });
}

const json = (status: number, body: unknown, type = 'application/json') => (res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('probeWebhook', () => {
  it('sends exactly what HubSpot sends: POST, JSON body, v3 headers over the full URL', async () => {
    const hook = await fakeWebhook(json(200, { phoneNumbers: [] }));
    const url = `${hook.url}/hubspot/hook%3Fx%3D1`;
    await probeWebhook(appAt(url, []), options);
    const [request] = hook.seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/hubspot/hook%3Fx%3D1');
    expect(request?.body).toBe('{"appId":1234567,"portalId":42,"userId":7}');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-hubspot-request-timestamp']).toBe(String(NOW));
    const verdict = verifySignatureV3({ clientSecret: SECRET, method: 'POST', url, body: request?.body ?? '', now: NOW, headers: request?.headers ?? {} });
    expect(verdict).toEqual({ ok: true });
  });

  it('matches `hscc serve` answering the same config (truncated names included)', async () => {
    // The serve URL is only known after listening, so the app is pointed at it by a reload.
    const served = await startWebhookServer({ apps: [], env: { HUBSPOT_CLIENT_SECRET: SECRET }, now: () => NOW });
    cleanups.push(() => served.close(100));
    const app = appAt(`${served.url}/webhook`);
    expect(served.reload([app]).ok).toBe(true);
    const finding = await probeWebhook(app, options);
    expect(finding).toEqual({ status: 'match', url: `${served.url}/webhook`, portalId: 42, userId: 7, missing: [], unexpected: [], changedFriendlyName: [] });
  });

  it('reports precisely what differs', async () => {
    const hook = await fakeWebhook(
      json(200, {
        phoneNumbers: [
          { e164PhoneNumber: '+14155552671', friendlyName: 'Support' },
          { e164PhoneNumber: '+15550100999', friendlyName: 'Stranger' },
        ],
      }),
    );
    const finding = await probeWebhook(appAt(`${hook.url}/hook`), options);
    expect(finding).toEqual({
      status: 'mismatch',
      url: `${hook.url}/hook`,
      portalId: 42,
      userId: 7,
      missing: [{ e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'Desk' }],
      unexpected: [{ e164PhoneNumber: '+15550100999', friendlyName: 'Stranger' }],
      changedFriendlyName: [{ e164PhoneNumber: '+14155552671', expected: 'Support line with a very', actual: 'Support' }],
    });
  });

  it('takes a friendlyName over 24 characters as HubSpot does: cut, then compared', async () => {
    const answered = 'Support line with a very long name, as the webhook answers it';
    const hook = await fakeWebhook(
      json(200, {
        phoneNumbers: [
          { e164PhoneNumber: '+14155552671', friendlyName: answered },
          { e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'Desk' },
        ],
      }),
    );
    expect(await probeWebhook(appAt(`${hook.url}/hook`), options)).toMatchObject({ status: 'match', changedFriendlyName: [] });
    const renamed = await fakeWebhook(json(200, { phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: `Other ${answered}` }] }));
    expect(await probeWebhook(appAt(`${renamed.url}/hook`, [numbers[0] as (typeof numbers)[0]]), options)).toMatchObject({
      status: 'mismatch',
      changedFriendlyName: [{ e164PhoneNumber: '+14155552671', expected: 'Support line with a very', actual: 'Other Support line with ' }],
    });
  });

  it('fails on an answer that breaks the schema, naming the field', async () => {
    const hook = await fakeWebhook(json(200, { phoneNumbers: [{ e164PhoneNumber: '4155552671', friendlyName: 'x' }] }));
    const finding = await probeWebhook(appAt(`${hook.url}/hook`), options);
    expect(finding.status).toBe('error');
    expect(finding.error).toBe(
      'the answer does not match the webhook response schema: phoneNumbers[0].e164PhoneNumber: must match pattern "^\\+[1-9][0-9]{1,14}$"',
    );
  });

  it.each([
    ['a non-200 status', json(401, { error: { code: 'bad-signature' } }), /^HTTP 401 \(expected 200\): \{"error":\{"code":"bad-signature"\}\}$/],
    ['a non-JSON content type', json(200, '<html></html>', 'text/html'), /^content type "text\/html" is not application\/json$/],
    ['a body that is not JSON', json(200, '{"phoneNumbers": [', 'application/json; charset=utf-8'), /^the answer is not valid JSON/],
    ['a redirect (HubSpot signs the URL it calls)', (res: ServerResponse) => { res.writeHead(302, { Location: '/elsewhere' }); res.end(); }, /^HTTP 302/],
  ])('fails on %s', async (_name, answer, error) => {
    const hook = await fakeWebhook(answer);
    const finding = await probeWebhook(appAt(`${hook.url}/hook`), options);
    expect(finding.status).toBe('error');
    expect(finding.error).toMatch(error);
    expect(hook.seen).toHaveLength(1);
  });

  it('fails on an unreachable webhook', async () => {
    const hook = await fakeWebhook(json(200, { phoneNumbers: [] }));
    const cleanup = cleanups.pop();
    await cleanup?.();
    const finding = await probeWebhook(appAt(`${hook.url}/hook`), options);
    expect(finding).toMatchObject({ status: 'error', error: 'request failed: ECONNREFUSED' });
  });

  it('fails when the webhook does not answer in time', async () => {
    const hook = await fakeWebhook(() => undefined);
    const finding = await probeWebhook(appAt(`${hook.url}/hook`), { ...options, timeoutMs: 200 });
    expect(finding).toMatchObject({ status: 'error', error: 'no answer within 200 ms' });
  });
});

describe('probe answers are bounded', () => {
  it.each([
    ['with a Content-Length over 1 MiB', true],
    ['chunked, without a length', false],
  ])('stops reading an answer over 1 MiB (%s) and says so', async (_name, declared) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const hook = await fakeWebhook((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': String(64 * 1024 * 1024) } : {}) });
      // Endless: only the client giving up ends it.
      const pump = (): void => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    const finding = await probeWebhook(appAt(`${hook.url}/hook`), options);
    expect(finding).toMatchObject({ status: 'error', error: `the answer is larger than ${MAX_ANSWER_BYTES} bytes` });
    expect(MAX_ANSWER_BYTES).toBe(1024 * 1024);
  });
});

describe('probeDeclaredLevels', () => {
  const A = [phone('+14155550001', 'app')];
  const P = [phone('+14155550002', 'portal 5')];
  const U = [phone('+14155550003', 'user 2 of 5')];

  it('asks the default, each portal and each user, comparing each with its own declaration', async () => {
    const served = await startWebhookServer({ apps: [], env: { HUBSPOT_CLIENT_SECRET: SECRET }, now: () => NOW });
    cleanups.push(() => served.close(100));
    const app = appAt(`${served.url}/webhook`, A, [portal(5, P, { 2: U }), portal(1, undefined, { 1: [] })]);
    expect(served.reload([app]).ok).toBe(true);
    const findings = await probeDeclaredLevels(app, { secret: SECRET, timeoutMs: 2_000, now: () => NOW });
    expect(findings.map((f) => [f.status, f.portalId, f.userId])).toEqual([
      ['match', undefined, undefined],
      ['match', 1, undefined],
      ['match', 1, 1],
      ['match', 5, undefined],
      ['match', 5, 2],
    ]);
    expect(findings[0]).not.toHaveProperty('portalId');
  });

  it('after a level gets no answer in time, asks no further level of that webhook: one timeout per app', async () => {
    const seen: string[] = [];
    const silent: Server = createServer((req) => {
      seen.push(req.url ?? '');
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      silent.closeAllConnections();
      return new Promise((resolve) => silent.close(() => resolve()));
    });
    const app = appAt(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, A, [portal(5, P, { 2: U })]);
    const findings = await probeDeclaredLevels(app, { secret: SECRET, timeoutMs: 300, now: () => NOW });
    expect(seen).toHaveLength(1);
    expect(findings.map((f) => [f.status, f.portalId, f.userId, f.error])).toEqual([
      ['error', undefined, undefined, 'no answer within 300 ms'],
      ['error', 5, undefined, 'not asked: the webhook gave no answer in time for an earlier level'],
      ['error', 5, 2, 'not asked: the webhook gave no answer in time for an earlier level'],
    ]);
  });

  it('sends undeclared ids for fallback levels and reports the level that differs', async () => {
    // A webhook that knows only the app's numbers: every portal and user level differs.
    const hook = await fakeWebhook(json(200, { phoneNumbers: [{ e164PhoneNumber: '+14155550001', friendlyName: 'app' }] }));
    const app = appAt(`${hook.url}/hook`, A, [portal(1, P, { 1: U, 2: U })]);
    const findings = await probeDeclaredLevels(app, { secret: SECRET, timeoutMs: 2_000, now: () => NOW });
    expect(hook.seen.map((r) => JSON.parse(r.body))).toEqual([
      { appId: 1234567, portalId: 2, userId: 1 },
      { appId: 1234567, portalId: 1, userId: 3 },
      { appId: 1234567, portalId: 1, userId: 1 },
      { appId: 1234567, portalId: 1, userId: 2 },
    ]);
    expect(findings.map((f) => [f.status, f.portalId, f.userId])).toEqual([
      ['match', undefined, undefined],
      ['mismatch', 1, undefined],
      ['mismatch', 1, 1],
      ['mismatch', 1, 2],
    ]);
    expect(findings[1]?.missing).toEqual([{ e164PhoneNumber: '+14155550002', friendlyName: 'portal 5' }]);
  });

  it('gives an app without a present channel connection one error finding, whatever it declares', async () => {
    const app = buildApp({ appId: 9, url: null, portals: [portal(1, A, { 2: U })] });
    const findings = await probeDeclaredLevels(app, { secret: SECRET, timeoutMs: 200, now: () => NOW });
    expect(findings).toEqual([expect.objectContaining({ status: 'error', error: 'app 9 has no channel connection declared present' })]);
  });
});
