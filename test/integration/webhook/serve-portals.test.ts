import { afterEach, describe, expect, it } from 'vitest';
import { buildServeTable, replyFor, startWebhookServer, type WebhookServer } from '../../../src/webhook/server.js';
import { signRequestV3 } from '../../../src/webhook/signature.js';
import { buildApp, phone, portal } from '../../unit/webhook/build-app.js';
import { send } from './http-client.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SECRET = 'portal-secret';
const URL_ = 'https://hooks.example.com/numbers';
const A = [phone('+14155550001', 'app default')];
const P = [phone('+14155550002', 'portal 42')];
const U = [phone('+14155550003', 'user 7 of portal 42')];
const app = buildApp({ appId: 10, url: URL_, phoneNumbers: A, portals: [portal(42, P, { 7: U, 8: [] }), portal(43, undefined, { 1: U })] });

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

async function ask(body: unknown): Promise<{ status: number; names: string[] | undefined; code: unknown }> {
  server ??= await startWebhookServer({ apps: [app], env: { HUBSPOT_CLIENT_SECRET: SECRET }, now: () => NOW });
  const text = JSON.stringify(body);
  const res = await send(server.url, {
    body: text,
    headers: { 'Content-Type': 'application/json', ...signRequestV3({ clientSecret: SECRET, method: 'POST', url: URL_, body: text, timestamp: NOW }) },
  });
  const parsed = JSON.parse(res.text) as { phoneNumbers?: { friendlyName: string }[]; error?: { code: unknown } };
  return { status: res.status, names: parsed.phoneNumbers?.map((n) => n.friendlyName), code: parsed.error?.code };
}

describe('serve answers the most specific declaration for the body’s portal and user', () => {
  it.each([
    [{ appId: 10, portalId: 42, userId: 7 }, ['user 7 of portal 42']],
    [{ appId: 10, portalId: 42, userId: 8 }, []],
    [{ appId: 10, portalId: 42, userId: 99 }, ['portal 42']],
    [{ appId: 10, portalId: 42 }, ['portal 42']],
    [{ appId: 10, portalId: 43, userId: 1 }, ['user 7 of portal 42']],
    [{ appId: 10, portalId: 43, userId: 2 }, ['app default']],
    [{ appId: 10, portalId: 1, userId: 7 }, ['app default']],
    [{ appId: 10 }, ['app default']],
  ])('%j → %j', async (body, names) => {
    expect(await ask(body)).toEqual({ status: 200, names, code: undefined });
  });

  it.each([
    [{ appId: 10, portalId: '42', userId: 7 }, 'invalid-portal-id'],
    [{ appId: 10, portalId: 0, userId: 7 }, 'invalid-portal-id'],
    [{ appId: 10, portalId: 42, userId: 7.5 }, 'invalid-user-id'],
    [{ appId: 10, portalId: 42, userId: null }, 'invalid-user-id'],
  ])('%j → 400 %s', async (body, code) => {
    expect(await ask(body)).toMatchObject({ status: 400, code });
  });

  it('precomputes every level: a lookup is two Map reads, equal declarations share one buffer', () => {
    const many = buildApp({
      appId: 11,
      phoneNumbers: A,
      portals: Array.from({ length: 20 }, (_, p) => portal(p + 1, p % 2 === 0 ? P : undefined, Object.fromEntries(Array.from({ length: 5 }, (_, u) => [u + 1, U])))),
    });
    const table = buildServeTable([many], { env: { HUBSPOT_CLIENT_SECRET: SECRET } });
    if (!table.ok) throw new Error(table.errors.join());
    const served = table.apps.get(11);
    if (served === undefined) throw new Error('app 11 not served');
    expect(served.portals.size).toBe(20);
    const userReplies = new Set([...served.portals.values()].flatMap((p) => [...p.users.values()]));
    expect(userReplies.size).toBe(1);
    expect(replyFor(served, 2, 99)).toBe(served.reply);
    expect(replyFor(served, 1, 99).body.toString()).toContain('portal 42');
    expect(replyFor(served, 20, 5).body.toString()).toContain('user 7 of portal 42');
  });

  it('refuses to serve a config whose portal fixture breaks the schema, naming the level', () => {
    const bad = buildApp({ appId: 12, portals: [portal(3, [phone('123', 'x')])] });
    expect(buildServeTable([bad], { env: { HUBSPOT_CLIENT_SECRET: SECRET } })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^app 12 portal 3: the fixture does not match the webhook response schema/)],
    });
  });
});
