import { describe, expect, it } from 'vitest';
import { parseAppId, parseEmulatorState, parseJsonBody, validateCreateBody, validateUpdateBody } from '../../../src/emulator/validation.js';

describe('parseAppId', () => {
  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('accepts %s', (text, value) => expect(parseAppId(text)).toBe(value));

  it.each(['0', '-1', '2147483648', '01', '1.5', 'abc', '', '1e3'])('rejects %s', (text) => {
    expect(parseAppId(text)).toBeUndefined();
  });
});

describe('parseJsonBody', () => {
  it('rejects malformed and empty bodies with a message', () => {
    const malformed = parseJsonBody('{"url": ');
    expect(malformed.ok).toBe(false);
    expect(malformed.ok ? '' : malformed.errors[0]?.message).toMatch(/^Invalid input JSON/);
    expect(parseJsonBody('  ').ok).toBe(false);
  });
});

describe('validateCreateBody', () => {
  it('defaults isReady to false', () => {
    expect(validateCreateBody({ url: 'https://a.example/' })).toEqual({ ok: true, value: { url: 'https://a.example/', isReady: false } });
  });

  it.each([
    [{ isReady: true }, 'url'],
    [{ url: '', isReady: true }, 'url'],
    [{ url: 'not a url', isReady: true }, 'url'],
    [{ url: 'ftp://a.example/', isReady: true }, 'url'],
    [{ url: 42, isReady: true }, 'url'],
    [{ url: 'https://a.example/', isReady: 'true' }, 'isReady'],
    [{ url: 'https://a.example/', isReady: true, colour: 'red' }, 'colour'],
  ])('rejects %j naming %s', (body, field) => {
    const result = validateCreateBody(body);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.in)).toContain(field);
  });

  it.each([[null], [[]], ['text'], [3]])('rejects the non-object %j', (body) => {
    expect(validateCreateBody(body).ok).toBe(false);
  });
});

describe('validateUpdateBody', () => {
  it('accepts either field alone', () => {
    expect(validateUpdateBody({ isReady: true })).toEqual({ ok: true, value: { isReady: true } });
    expect(validateUpdateBody({ url: 'http://127.0.0.1:9/x' })).toEqual({ ok: true, value: { url: 'http://127.0.0.1:9/x' } });
  });

  it('needs at least one field', () => {
    const result = validateUpdateBody({});
    expect(result.ok ? '' : result.message).toMatch(/At least one of url and isReady/);
  });

  it('rejects unknown fields and bad types', () => {
    expect(validateUpdateBody({ isReady: 1 }).ok).toBe(false);
    expect(validateUpdateBody({ isReady: true, createdAt: 'x' }).ok).toBe(false);
  });
});

describe('parseEmulatorState', () => {
  it('accepts the snapshot shape, with or without timestamps', () => {
    const state = {
      apps: {
        '1': { url: 'https://a.example/', isReady: true, createdAt: '2024-04-30T12:01:00Z', updatedAt: '2024-04-30 12:01' },
        '2': { url: 'https://b.example/', isReady: false },
      },
    };
    expect(parseEmulatorState(state)).toEqual({ ok: true, state });
  });

  it.each([
    [[], /JSON object/],
    [{ apps: {}, extra: 1 }, /unknown top-level field "extra"/],
    [{ apps: [] }, /"apps" must be an object/],
    [{ apps: { abc: { url: 'https://a.example/', isReady: true } } }, /apps\["abc"\]: the key must be an appId/],
    [{ apps: { '1': 'x' } }, /apps\["1"\] must be an object/],
    [{ apps: { '1': { url: 'https://a.example/', isReady: 'yes' } } }, /apps\["1"\].isReady must be a boolean/],
    [{ apps: { '1': { isReady: true } } }, /apps\["1"\].url must be a string/],
    [{ apps: { '1': { url: 'https://a.example/', isReady: true, extra: 1 } } }, /unknown field "extra"/],
    [{ apps: { '1': { url: 'https://a.example/', isReady: true, updatedAt: 'yesterday' } } }, /updatedAt must be an ISO-8601/],
  ])('rejects %j', (value, problem) => {
    const parsed = parseEmulatorState(value);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});
