import { describe, expect, it } from 'vitest';
import { createAccessLogFormatter, logPath } from '../../../src/webhook/access-log.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0, 5);

describe('access-log lines', () => {
  it('formats time, method, path, status, duration, code and app', () => {
    const format = createAccessLogFormatter(() => T0);
    expect(format({ method: 'POST', url: '/hook?token=abc', status: 200, durationMs: 1.26, appId: 7 })).toBe(
      '2026-11-24T12:00:00.005Z POST /hook 200 1.3ms app=7',
    );
    expect(format({ method: 'POST', url: '/hook', status: 401, durationMs: 0.04, code: 'bad-signature', appId: 7 })).toBe(
      '2026-11-24T12:00:00.005Z POST /hook 401 0.0ms bad-signature app=7',
    );
    expect(format({ method: undefined, url: undefined, status: 400, durationMs: 12.96 })).toBe('2026-11-24T12:00:00.005Z - / 400 13.0ms');
  });

  it('follows the clock and the URL of each request, not the first ones seen', () => {
    let now = T0;
    const format = createAccessLogFormatter(() => now);
    expect(format({ method: 'GET', url: '/a', status: 200, durationMs: 0 })).toContain('12:00:00.005Z GET /a ');
    now += 1;
    expect(format({ method: 'GET', url: '/a', status: 200, durationMs: 0 })).toContain('12:00:00.006Z GET /a ');
    expect(format({ method: 'GET', url: '/b?x', status: 200, durationMs: 0 })).toContain('12:00:00.006Z GET /b ');
  });

  it('escapes unprintable characters, drops the query and bounds the length', () => {
    expect(logPath('/a b\u00e9\n?secret=1')).toBe('/a%20b%E9%0A');
    expect(logPath(`/${'x'.repeat(300)}`)).toBe(`/${'x'.repeat(199)}…`);
  });
});
