import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotClient } from '../../../src/hubspot/client.js';
import { HubSpotError } from '../../../src/hubspot/errors.js';
import type { ResourceTarget, SettingsClient } from '../../../src/hubspot/types.js';
import { encodingsOf } from '../../../src/runtime/secrets.js';
import { calling } from '../../helpers/builders.js';
import { startHostileServer, type HostileMode, type HostileOptions, type HostileServer } from '../../helpers/hostile-server.js';

const API_KEY = 'hostile-dev-key 0123+/=?&"é';
const TOKEN = 'pat-na1-hostile-0000-1111-2222-333333333333';
const KEY_APP: ResourceTarget = { appId: 101, apiVersion: 'v3', auth: 'developer-api-key', resource: 'calling-settings' };
const TOKEN_APP: ResourceTarget = { appId: 202, apiVersion: '2026-09', auth: 'access-token', resource: 'channel-connection' };
// Short enough for a quick test, long enough for a loaded machine to connect.
const TIMEOUT_MS = 400;

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Run {
  client: SettingsClient;
  logs: string[];
}

async function against(mode: HostileMode, options: HostileOptions = {}): Promise<Run> {
  server = await startHostileServer(mode, options);
  const logs: string[] = [];
  const client = createHubSpotClient({
    baseUrl: server.url,
    env: { HUBSPOT_DEVELOPER_API_KEY: API_KEY, HUBSPOT_ACCESS_TOKEN: TOKEN },
    timeoutMs: TIMEOUT_MS,
    // Retries without waiting; the clock is real so timeouts count.
    sleep: async () => {},
    random: () => 0,
    now: () => Date.now(),
    log: (line) => logs.push(line),
  });
  return { client, logs };
}

async function failure(promise: Promise<unknown>): Promise<HubSpotError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubSpotError) return error;
    throw error;
  }
  throw new Error('expected a HubSpotError');
}

function expectNoSecret(texts: readonly string[]): void {
  const forms = [...encodingsOf(API_KEY), ...encodingsOf(TOKEN)];
  for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
}

function surfaces(error: HubSpotError): string[] {
  const record = error as unknown as Record<string, unknown>;
  return [String(error), error.stack ?? '', JSON.stringify(error), ...Object.getOwnPropertyNames(error).map((name) => String(record[name]))];
}

describe('bounded answers', () => {
  it('stops reading a body that declares 2 GiB and says it is too large', async () => {
    const { client } = await against('huge-body');
    const error = await failure(client.get(KEY_APP));
    expect(error.message).toBe('app 101: GET calling settings failed: the 200 answer is larger than 1 MiB (Content-Length 2147483648); hscc stopped reading it');
    expect(error.rerunnable).toBe(false);
    expect(server?.requests).toHaveLength(1);
  });

  it('stops reading an endless chunked body at 1 MiB', async () => {
    const { client } = await against('endless-chunked');
    const error = await failure(client.get(TOKEN_APP));
    expect(error.message).toBe('app 202: GET channel-connection settings failed: the 200 answer is larger than 1 MiB; hscc stopped reading it');
    // What the server managed to push is bounded by socket buffers, not the body.
    expect(server?.bytesSent()).toBeLessThan(32 * 1024 * 1024);
  });

  it('ends a trickling body at the attempt timeout, then gives up on the silent host', async () => {
    const { client } = await against('trickle', { trickleMs: 20 });
    const error = await failure(client.get(KEY_APP));
    expect(error.message).toMatch(/^app 101: GET calling settings failed after 1 attempt: timed out after 0\.4s while reading the answer; gave up: 127\.0\.0\.1:\d+ timed out: no answer for 0\.\d s \(1 request in a row failed\)$/);
    expect(error).toMatchObject({ rerunnable: true, notAttempted: undefined, attempts: 1 });
    const next = await failure(client.get(TOKEN_APP));
    expect(next).toMatchObject({ notAttempted: expect.any(String), rerunnable: true, attempts: 0 });
    expect(next.message).toMatch(/^app 202: GET channel-connection settings not attempted: 127\.0\.0\.1:\d+ timed out/);
    expect(server?.requests).toHaveLength(1);
  });

  it('reports a body cut off mid-way as cut off, not as unreachable', async () => {
    const { client } = await against('cut-off');
    const error = await failure(client.get(KEY_APP));
    expect(error.message).toMatch(/^app 101: GET calling settings failed after 6 attempts: the answer was cut off \(\w+\)$/);
    expect(error.message).not.toContain('could not reach');
    expect(error.rerunnable).toBe(true);
  });

  it('an answer that is not HTTP is retried, and a write behind it is re-read before it is sent again', async () => {
    const read = await against('not-http');
    const error = await failure(read.client.get(KEY_APP));
    expect(error.message).toMatch(/^app 101: GET calling settings failed after 6 attempts: 127\.0\.0\.1:\d+ answered with something that is not valid HTTP \(HPE_\w+\)$/);
    expect(error.rerunnable).toBe(true);
    await server?.close();

    const write = await against('not-http');
    const unknown = await failure(write.client.create(KEY_APP, calling()));
    expect(unknown.message).toMatch(/POST calling settings failed after 1 attempt: .* not valid HTTP \(HPE_\w+\); whether it took effect is unknown/);
    expect(unknown.rerunnable).toBe(true);
    // The POST reached the server: it is re-read, never simply sent again.
    const methods = (server?.requests ?? []).map((request) => request.method);
    expect(methods[0]).toBe('POST');
    expect(methods.slice(1).every((method) => method === 'GET')).toBe(true);
  });

  it("a reason phrase or Location with terminal escapes reaches the message escaped, never raw", async () => {
    const reason = await against('escape-reason');
    const refused = await failure(reason.client.update(KEY_APP, { isReady: false }));
    expect(refused.message).toBe('app 101: PATCH calling settings failed: 422 Bad\\x1b]0;owned\\x07\\x1b[1A\\x1b[2K\\x1b[31mRED');
    await server?.close();
    const location = await against('escape-location');
    const moved = await failure(location.client.get(KEY_APP));
    // Node reads header bytes as latin1: the C1 CSI (0xc2 0x9b in UTF-8) arrives as Â and U+009B.
    expect(moved.message).toContain('redirected to http://x/\u00c2\\x9b31mabc');
    for (const text of [refused.message, moved.message, ...reason.logs, ...location.logs]) expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('a write answered 2xx with JSON that is not the resource took effect: it is read back, not reported failed', async () => {
    const resource = calling({ isReady: false });
    const { client, logs } = await against('wrong-shape-write', { resource });
    await expect(client.update(KEY_APP, { isReady: false })).resolves.toEqual({ remote: { fields: resource }, wrote: true });
    expect(server?.requests.map((request) => request.method)).toEqual(['PATCH', 'GET']);
    expect(logs.some((line) => line.includes('PATCH /crm/v3/extensions/calling/101/settings: the 200 answer is not the resource ('))).toBe(true);
  });

  it('a host that answers at once with bodies that do not decode is not "unreachable", and later calls still go out', async () => {
    const { client } = await against('bad-gzip');
    const errors = await Promise.all(Array.from({ length: 3 }, (_, i) => failure(client.get({ ...KEY_APP, appId: 300 + i }))));
    for (const error of errors) {
      expect(error.message).toMatch(/GET calling settings failed after 6 attempts: the answer could not be decoded \(Z_\w+\)$/);
      expect(error.message).not.toMatch(/could not be reached|not attempted/);
    }
    expect(server?.requests).toHaveLength(18);
  });

  it('times out an answer whose headers came but whose body never does', async () => {
    const { client } = await against('hang-after-headers');
    const error = await failure(client.update(TOKEN_APP, { isReady: false }));
    expect(error.message).toMatch(/^app 202: PATCH channel-connection settings failed after 1 attempt: timed out after 0\.4s while reading the answer; gave up: .*; whether the write took effect is unknown$/);
  });
});

describe('a host that never answers', () => {
  it('times out the first call and fails later ones at once, marked not attempted', async () => {
    const { client } = await against('never-answer');
    const first = await failure(client.get(KEY_APP));
    expect(first.message).toMatch(/^app 101: GET calling settings failed after 1 attempt: timed out after 0\.4s; gave up: 127\.0\.0\.1:\d+ timed out/);
    const results = await Promise.allSettled([client.get(TOKEN_APP), client.create(KEY_APP, callingFields), client.delete(TOKEN_APP)]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({ notAttempted: expect.any(String), attempts: 0 });
    }
    expect(server?.requests).toHaveLength(1);
  });

  it('gives up on parallel calls after one round of timeouts', async () => {
    const { client } = await against('never-answer');
    const targets = Array.from({ length: 25 }, (_, index) => ({ ...KEY_APP, appId: 1000 + index }));
    // Ten at a time, as the commands do.
    const errors: HubSpotError[] = [];
    for (let start = 0; start < targets.length; start += 10) {
      const batch = await Promise.allSettled(targets.slice(start, start + 10).map((target) => client.get(target)));
      for (const result of batch) errors.push((result as PromiseRejectedResult).reason as HubSpotError);
    }
    expect(errors.filter((error) => !error.notAttempted)).toHaveLength(10);
    expect(errors.filter((error) => error.notAttempted)).toHaveLength(15);
    expect(server?.requests).toHaveLength(10);
  });
});

const callingFields = calling();

describe('wrong endpoints', () => {
  it('an HTML 404 is an error naming the path and the base URL, never "absent"', async () => {
    const { client } = await against('html-404');
    for (const call of [client.get(KEY_APP), client.delete(TOKEN_APP)]) {
      const error = await failure(call);
      expect(error.message).toMatch(/answered 404 with an HTML page, not HubSpot's "not found" error: check the base URL \(--base-url, HUBSPOT_API_BASE_URL\) and any proxy prefix$/);
      expect(error.message).toContain(`${server?.url}/crm/`);
      expect(error.rerunnable).toBe(false);
      expectNoSecret(surfaces(error));
    }
  });

  it('an HTML 502 is retried, then reported as rerunnable', async () => {
    const { client } = await against('html-502');
    const error = await failure(client.get(KEY_APP));
    expect(error.message).toBe('app 101: GET calling settings failed after 6 attempts: 502 Bad Gateway');
    expect(error).toMatchObject({ status: 502, rerunnable: true, attempts: 6 });
  });
});

describe('servers echoing secrets', () => {
  for (const status of [401, 403, 302, 500]) {
    for (const target of [KEY_APP, TOKEN_APP]) {
      it(`${status} for auth ${target.auth}: no encoding of a secret in the error or the log`, async () => {
        const { client, logs } = await against('echo-secrets', { status });
        const error = await failure(client.update(target, { url: 'https://example.com/new' }));
        expect(error.message).toContain('[REDACTED]');
        expectNoSecret([...surfaces(error), ...logs]);
        expect(logs.length).toBeGreaterThan(0);
      });
    }
  }

  it('the credential really was sent, in the place its auth mode puts it', async () => {
    const { client } = await against('echo-secrets');
    await failure(client.get(KEY_APP));
    await failure(client.get(TOKEN_APP));
    const [keyed, bearer] = server?.requests ?? [];
    expect(new URL(keyed?.url ?? '', 'http://x').searchParams.get('hapikey')).toBe(API_KEY);
    expect(keyed?.headers.authorization).toBeUndefined();
    expect(bearer?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(bearer?.url).not.toContain('hapikey');
  });
});
