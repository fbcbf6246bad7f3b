import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loopbackAddress, runEmulator } from '../../../src/commands/emulator.js';
import type { EmulatorOptions } from '../../../src/commands/options.js';
import { parseRateLimitOption } from '../../../src/emulator/rate-limit.js';
import { UserError } from '../../../src/errors.js';
import { memoryRuntime, type MemoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

function options(overrides: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    json: false,
    baseUrl: undefined,
    timeoutMs: 30_000,
    port: 0,
    host: '127.0.0.1',
    state: undefined,
    apiKey: undefined,
    accessToken: undefined,
    readOnlyToken: undefined,
    rateLimit: undefined,
    latencyMs: 0,
    faults: [],
    ...overrides,
  };
}

/** Resolves with the base URL as soon as the first stdout line is complete. */
async function firstLine(runtime: MemoryRuntime, running: Promise<unknown>): Promise<string> {
  for (;;) {
    const out = runtime.out();
    if (out.includes('\n')) return out.slice(0, out.indexOf('\n'));
    // Surface a start-up failure instead of waiting for ever.
    await Promise.race([running, new Promise((resolve) => setImmediate(resolve))]);
  }
}

let dirs: TempDir[] = [];
afterEach(() => {
  for (const d of dirs) d.remove();
  dirs = [];
});

const path = '/crm/v3/extensions/calling/3/settings/channel-connection';

describe('runEmulator', () => {
  it('prints the base URL first, logs requests on stderr, and stops on SIGTERM with exit 0', async () => {
    const runtime = memoryRuntime({ realSleep: true, env: { HUBSPOT_DEVELOPER_API_KEY: 'env-key' } });
    const running = runEmulator(options(), runtime);
    const url = await firstLine(runtime, running);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.out()).toBe(`${url}\n`);

    expect((await fetch(`${url}${path}?hapikey=env-key`)).status).toBe(404);
    expect((await fetch(`${url}${path}?hapikey=other`)).status).toBe(401);

    runtime.emit('SIGTERM');
    expect(await running).toEqual({ exitCode: 0 });
    expect(runtime.err()).toMatch(new RegExp(`GET ${path} 404 \\d+ms`));
    expect(runtime.err()).not.toContain('env-key');
    expect(runtime.out()).toBe(`${url}\n`);
    await expect(fetch(`${url}${path}?hapikey=env-key`)).rejects.toThrow();
  });

  it('lets --api-key and --access-token win over the environment', async () => {
    const runtime = memoryRuntime({ realSleep: true, env: { HUBSPOT_DEVELOPER_API_KEY: 'env-key', HUBSPOT_ACCESS_TOKEN: 'env-token' } });
    const running = runEmulator(options({ apiKey: 'flag-key', accessToken: 'flag-token' }), runtime);
    const url = await firstLine(runtime, running);
    expect((await fetch(`${url}${path}?hapikey=env-key`)).status).toBe(401);
    expect((await fetch(`${url}${path}?hapikey=flag-key`)).status).toBe(404);
    const bearer = (token: string) =>
      fetch(`${url}/crm/extensions/calling/2026-03/3/settings/channel-connection`, { headers: { authorization: `Bearer ${token}` } });
    expect((await bearer('env-token')).status).toBe(401);
    expect((await bearer('flag-token')).status).toBe(404);
    runtime.emit('SIGINT');
    expect(await running).toEqual({ exitCode: 0 });
  });

  it('saves --state on shutdown', async () => {
    const d = tempDir();
    dirs.push(d);
    const runtime = memoryRuntime({ realSleep: true });
    const running = runEmulator(options({ state: d.file('state.json') }), runtime);
    const url = await firstLine(runtime, running);
    await fetch(`${url}${path}?hapikey=k`, { method: 'POST', body: JSON.stringify({ url: 'https://a.example/', isReady: true }) });
    runtime.emit('SIGTERM');
    await running;
    expect(JSON.parse(readFileSync(d.file('state.json'), 'utf8'))).toMatchObject({
      apps: { '3': { 'channel-connection': { url: 'https://a.example/', isReady: true } } },
    });
  });

  it("limits to HubSpot's default, 100 requests per 10 s, unless --rate-limit says otherwise", async () => {
    const runtime = memoryRuntime({ realSleep: true });
    const running = runEmulator(options(), runtime);
    const url = await firstLine(runtime, running);
    const answer = await fetch(`${url}${path}?hapikey=k`);
    expect(answer.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    expect(answer.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(answer.headers.get('x-hubspot-ratelimit-remaining')).toBe('99');
    const statuses = await Promise.all(Array.from({ length: 100 }, async () => (await fetch(`${url}${path}?hapikey=k`)).status));
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    const limited = await fetch(`${url}${path}?hapikey=k`);
    expect(await limited.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    expect(runtime.err()).toContain('rate limit 100 per 10000 ms');
    runtime.emit('SIGTERM');
    await running;
  });

  it('lifts the limit and its headers with --rate-limit none', async () => {
    const runtime = memoryRuntime({ realSleep: true });
    const running = runEmulator(options({ rateLimit: 'none' }), runtime);
    const url = await firstLine(runtime, running);
    const statuses = await Promise.all(Array.from({ length: 150 }, async () => (await fetch(`${url}${path}?hapikey=k`)).status));
    expect(new Set(statuses)).toEqual(new Set([404]));
    expect((await fetch(`${url}${path}?hapikey=k`)).headers.get('x-hubspot-ratelimit-max')).toBeNull();
    expect(runtime.err()).toContain('no rate limit');
    runtime.emit('SIGTERM');
    await running;
  });

  it('accepts --read-only-token for reads only and never logs it', async () => {
    const runtime = memoryRuntime({ realSleep: true });
    const running = runEmulator(options({ accessToken: 'full-token', readOnlyToken: 'read-token' }), runtime);
    const url = await firstLine(runtime, running);
    const bearer = (token: string, method = 'GET') =>
      fetch(`${url}/crm/extensions/calling/2026-09/3/settings/recording`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        body: method === 'GET' ? undefined : JSON.stringify({ urlToRetrieveAuthedRecording: 'https://r.example/%s' }),
      });
    expect((await bearer('read-token')).status).toBe(404);
    expect((await bearer('read-token', 'POST')).status).toBe(403);
    expect((await bearer('full-token', 'POST')).status).toBe(200);
    runtime.emit('SIGTERM');
    await running;
    expect(runtime.err()).toContain('read-only token');
    expect(runtime.err()).not.toMatch(/read-token|full-token/);
  });

  it.each([
    ['none', 'none'],
    ['NONE', 'none'],
    ['100/10000', { max: 100, intervalMs: 10_000 }],
    [' 300/1000 ', { max: 300, intervalMs: 1000 }],
  ])('parses --rate-limit %j', (text, value) => {
    expect(parseRateLimitOption(text)).toEqual({ ok: true, value });
  });

  it.each(['fast', '0/1000', '10/0', '10', '-1/5'])('refuses --rate-limit %j', (text) => {
    expect(parseRateLimitOption(text).ok).toBe(false);
  });

  it('refuses a non-loopback host before listening', async () => {
    const runtime = memoryRuntime();
    await expect(runEmulator(options({ host: '0.0.0.0' }), runtime)).rejects.toThrow(UserError);
    expect(runtime.out()).toBe('');
  });

  it('refuses an invalid --fault naming it', async () => {
    await expect(runEmulator(options({ faults: ['GET:1:nope'] }), memoryRuntime())).rejects.toThrow(/invalid fault "GET:1:nope"/);
  });

  it('refuses a corrupt --state file', async () => {
    const d = tempDir({ 'state.json': '{oops' });
    dirs.push(d);
    await expect(runEmulator(options({ state: d.file('state.json') }), memoryRuntime())).rejects.toThrow(/state\.json is not valid JSON/);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.1.2.3', '127.1.2.3'],
    ['localhost', '127.0.0.1'],
    ['::1', '::1'],
    ['0.0.0.0', undefined],
    ['192.168.1.5', undefined],
    ['example.com', undefined],
    ['::', undefined],
  ])('maps the host %s to %s', (host, address) => {
    expect(loopbackAddress(host)).toBe(address);
  });
});
