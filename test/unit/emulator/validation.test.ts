import { describe, expect, it } from 'vitest';
import { parseAppId, parseEmulatorState, parseJsonBody, validateCreateBody, validateUpdateBody } from '../../../src/emulator/validation.js';
import { resourceNamed } from '../../../src/resources/index.js';
import { calling as allCallingFields } from '../../helpers/builders.js';

const calling = resourceNamed('calling-settings');
const recording = resourceNamed('recording-settings');
const connection = resourceNamed('channel-connection');

const callingFields = allCallingFields();

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
  it('accepts every field of each resource', () => {
    expect(validateCreateBody(calling, callingFields)).toEqual({ ok: true, value: callingFields });
    expect(validateCreateBody(recording, { urlToRetrieveAuthedRecording: 'https://r.example/%s' }).ok).toBe(true);
    expect(validateCreateBody(connection, { url: 'https://a.example/', isReady: false }).ok).toBe(true);
  });

  it('names every missing calling field in the message and in errors', () => {
    const { width, usesRemote, ...partial } = callingFields;
    void width;
    void usesRemote;
    const result = validateCreateBody(calling, partial);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('Missing required fields: width, usesRemote.');
    expect(result.errors.map((e) => e.in)).toEqual(['width', 'usesRemote']);
  });

  it.each([
    [connection, { isReady: true }, 'url'],
    [connection, { url: '', isReady: true }, 'url'],
    [connection, { url: 'not a url', isReady: true }, 'url'],
    [connection, { url: 'ftp://a.example/', isReady: true }, 'url'],
    [connection, { url: 42, isReady: true }, 'url'],
    [connection, { url: 'https://a.example/', isReady: 'true' }, 'isReady'],
    [connection, { url: 'https://a.example/', isReady: true, colour: 'red' }, 'colour'],
    [calling, { ...callingFields, width: 0 }, 'width'],
    [calling, { ...callingFields, width: 1e300 }, 'width'],
    [calling, { ...callingFields, height: 2 ** 31 }, 'height'],
    [calling, { ...callingFields, height: 1.5 }, 'height'],
    [calling, { ...callingFields, name: '' }, 'name'],
    [recording, { urlToRetrieveAuthedRecording: 7 }, 'urlToRetrieveAuthedRecording'],
  ])('rejects a %s body %j naming %s', (resource, body, field) => {
    const result = validateCreateBody(resource, body);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.in)).toContain(field);
  });

  it.each([null, [], 'text', 3])('rejects the non-object %j', (body) => {
    expect(validateCreateBody(connection, body).ok).toBe(false);
  });
});

describe('validateUpdateBody', () => {
  it('accepts any non-empty subset of known fields', () => {
    expect(validateUpdateBody(calling, { width: 500 })).toEqual({ ok: true, value: { width: 500 } });
    expect(validateUpdateBody(connection, { isReady: false })).toEqual({ ok: true, value: { isReady: false } });
  });

  it('rejects an empty patch, naming the fields it could hold', () => {
    const result = validateUpdateBody(recording, {});
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain('urlToRetrieveAuthedRecording');
  });

  it('rejects unknown fields and bad values', () => {
    expect(validateUpdateBody(connection, { name: 'x' }).ok).toBe(false);
    expect(validateUpdateBody(calling, { isReady: 'yes' }).ok).toBe(false);
  });
});

describe('parseEmulatorState', () => {
  it('accepts the resource-keyed shape, with or without timestamps', () => {
    const parsed = parseEmulatorState({
      apps: {
        '1': {
          'calling-settings': { ...callingFields, createdAt: '2024-04-30 12:01' },
          'recording-settings': { urlToRetrieveAuthedRecording: 'https://r.example/%s', updatedAt: '2024-04-30T12:01:00Z' },
        },
        '2': {},
      },
    });
    expect(parsed).toEqual({
      ok: true,
      state: {
        apps: {
          '1': {
            'calling-settings': { fields: callingFields, createdAt: '2024-04-30 12:01' },
            'recording-settings': { fields: { urlToRetrieveAuthedRecording: 'https://r.example/%s' }, updatedAt: '2024-04-30T12:01:00Z' },
          },
          '2': {},
        },
      },
    });
  });

  it('reads the older channel-connection-only shape as the channel connection', () => {
    const parsed = parseEmulatorState({ apps: { '5': { url: 'https://a.example/', isReady: true, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-02T00:00:00Z' } } });
    expect(parsed).toEqual({
      ok: true,
      state: {
        apps: {
          '5': {
            'channel-connection': { fields: { url: 'https://a.example/', isReady: true }, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-02T00:00:00Z' },
          },
        },
      },
    });
  });

  it.each([
    [[], /expected a JSON object/],
    [{ apps: {}, extra: 1 }, /unknown top-level field "extra"/],
    [{ apps: [] }, /"apps" must be an object/],
    [{ apps: { x: {} } }, /apps\["x"\]: the key must be an appId/],
    [{ apps: { '1': { 'video-settings': {} } } }, /unknown resource "video-settings"/],
    [{ apps: { '1': { 'calling-settings': { name: 'x' } } } }, /apps\["1"\]\["calling-settings"\]\.url is missing/],
    [{ apps: { '1': { 'recording-settings': { urlToRetrieveAuthedRecording: 'https://r/%s', colour: 1 } } } }, /unknown field "colour"/],
    [{ apps: { '1': { url: 'https://a.example/' } } }, /apps\["1"\]\.isReady is missing/],
    [{ apps: { '1': { url: 'https://a.example/', isReady: 'yes' } } }, /isReady must be a boolean/],
    [{ apps: { '1': { url: 'https://a.example/', isReady: true, createdAt: 'yesterday' } } }, /createdAt must be an ISO-8601 timestamp/],
  ])('rejects %j', (value, problem) => {
    const parsed = parseEmulatorState(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});
