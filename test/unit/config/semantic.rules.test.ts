// Rules over one expanded app document that JSON Schema cannot express
// (src/config/rules.ts semanticFindings): a resource to manage, fields with
// `ensure: absent`, field rules, region, portal and user ids, numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeValue, fieldProblem, FRIENDLY_NAME_MAX, semanticFindings } from '../../../src/config/rules.js';
import { loadPhoneLibrary, type PhoneLibrary } from '../../../src/config/phone-number.js';
import { resourceNamed } from '../../../src/resources/index.js';

let phone: PhoneLibrary;
beforeAll(async () => {
  phone = await loadPhoneLibrary();
});

const SETTINGS = { url: 'https://calls.example.com/hubspot', isReady: true };
const findings = (data: Record<string, unknown>, failedPaths: string[] = [], withPhone = true) =>
  semanticFindings(data, { failedPaths: new Set(failedPaths), phone: withPhone ? phone : undefined });
const codes = (data: Record<string, unknown>, failedPaths: string[] = []) => findings(data, failedPaths).map((f) => `${f.code} ${f.segments.join('.')}`);

describe('a document must manage a resource', () => {
  it('none declared is one error listing every key that would do', () => {
    const [finding, ...rest] = findings({ appId: 1 });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ code: 'missing-key', severity: 'error', segments: [] });
    expect(finding?.missingKeys).toEqual(['ensure', 'calling', 'recording', 'settings']);
    expect(finding?.message).toMatch(/at least one resource/);
  });

  it('settings, ensure: absent, calling or recording each count', () => {
    for (const data of [{ settings: SETTINGS }, { ensure: 'absent' }, { calling: {} }, { recording: {} }]) {
      expect(codes(data), JSON.stringify(data)).not.toContain('missing-key ');
    }
    expect(codes({ ensure: 'present' })).toEqual(['missing-key ']);
  });
});

describe('ensure: absent', () => {
  it('on calling settings, any other key has no meaning and is reported at the key', () => {
    const result = findings({ calling: { ensure: 'absent', name: 'x', width: 1 } });
    expect(result.map((f) => [f.code, f.segments, f.at])).toEqual([
      ['field-with-absent', ['calling', 'name'], 'key'],
      ['field-with-absent', ['calling', 'width'], 'key'],
    ]);
    expect(result[0]?.message).toMatch(/`name` has no meaning with `ensure: absent`: the calling settings are deleted/);
  });

  it('alone, is fine; on recording settings (which cannot be deleted) the fields are still checked', () => {
    expect(findings({ calling: { ensure: 'absent' } })).toEqual([]);
    expect(codes({ recording: { ensure: 'absent', urlToRetrieveAuthedRecording: 'https://r.example/x' } })).toEqual(['missing-placeholder recording.urlToRetrieveAuthedRecording']);
  });
});

describe('field rules', () => {
  it('each field of each block is checked by its rule, at its path', () => {
    const result = codes({
      settings: { url: 'http://calls.example.com/x', isReady: true },
      calling: { name: '  ', url: 'https://d.example/x', width: 0, height: 600 },
      recording: { urlToRetrieveAuthedRecording: 'https://r.example/no-placeholder' },
    });
    expect(result).toEqual([
      'invalid-value calling.name',
      'invalid-value calling.width',
      'missing-placeholder recording.urlToRetrieveAuthedRecording',
      'insecure-url settings.url',
    ]);
  });

  it('values of the wrong type are left to the schema; already reported paths are not checked again', () => {
    expect(codes({ calling: { width: '0', name: 3 } })).toEqual([]);
    expect(codes({ settings: { url: 'http://x.example/' } }, ['settings.url'])).toEqual([]);
    expect(codes({ settings: { url: 'http://x.example/' } }, ['other'])).toEqual(['insecure-url settings.url']);
  });

  it('fieldProblem states the expected type and what it got', () => {
    const calling = resourceNamed('calling-settings');
    const field = (name: string) => calling.fields.find((f) => f.name === name) ?? (() => { throw new Error(name); })();
    expect(fieldProblem(field('isReady'), 'yes')?.message).toBe('isReady must be true or false, got the string "yes"');
    expect(fieldProblem(field('width'), 1.5)?.message).toBe('width must be an integer, got the number 1.5');
    expect(fieldProblem(field('name'), null)?.message).toBe('name must be a string, got an empty value');
    expect(fieldProblem(field('width'), 2 ** 53)?.message).toBe(`width must be a positive integer up to 2147483647 (HubSpot's int32), got the number ${2 ** 53}`);
    expect(fieldProblem(field('width'), 2 ** 31)?.message).toMatch(/^width must be a positive integer up to 2147483647/);
    expect(fieldProblem(field('width'), 2 ** 31 - 1)).toBeUndefined();
    expect(fieldProblem(field('width'), 1)).toBeUndefined();
    expect(fieldProblem(field('usesRemote'), false)).toBeUndefined();
    expect(fieldProblem(field('name'), '')?.message).toBe('name must not be empty');
    expect(fieldProblem(field('name'), ' \t ')?.message).toBe('name must not be blank: it is only whitespace');
    expect(fieldProblem(field('name'), ' a ')).toBeUndefined();
  });

  it('a recording URL must be a valid https URL first, then hold %s', () => {
    const recording = resourceNamed('recording-settings').fields[0];
    if (recording === undefined) throw new Error('no field');
    expect(fieldProblem(recording, 'recordings/%s')).toMatchObject({ code: 'invalid-url', hint: expect.stringContaining('https://api.example.com/recordings/%s') });
    expect(fieldProblem(recording, 'https://r.example/x')).toMatchObject({ code: 'missing-placeholder', message: '"https://r.example/x" has no %s' });
    expect(fieldProblem(recording, 'https://r.example/%s')).toBeUndefined();
  });

  it('describeValue names lists, mappings, empty strings and shortens long strings', () => {
    expect(describeValue([1])).toBe('a list');
    expect(describeValue({})).toBe('a mapping');
    expect(describeValue('')).toBe('an empty string');
    expect(describeValue(undefined)).toBe('an empty value');
    expect(describeValue(true)).toBe('true');
    expect(describeValue('x'.repeat(40))).toBe(`the string "${'x'.repeat(40)}"`);
    expect(describeValue('x'.repeat(41))).toBe(`the string "${'x'.repeat(40)}…"`);
  });
});

describe('defaultRegion', () => {
  it('a two-letter code without a numbering plan is an error; a supported one is used for suggestions', () => {
    expect(codes({ settings: SETTINGS, defaultRegion: 'ZZ' })).toEqual(['invalid-value defaultRegion']);
    expect(findings({ settings: SETTINGS, defaultRegion: 'ZZ' })[0]?.message).toBe('"ZZ" is not a region with a numbering plan');
    const [hint] = findings({ settings: SETTINGS, defaultRegion: 'GB', phoneNumbers: [{ e164PhoneNumber: '020 7946 0958', friendlyName: 'x' }] });
    expect(hint?.hint).toBe('write "+442079460958"');
  });

  it('other spellings are left to the schema, and nothing is checked without the phone library', () => {
    expect(codes({ settings: SETTINGS, defaultRegion: 'gb' })).toEqual([]);
    expect(codes({ settings: SETTINGS, defaultRegion: 'GBR' })).toEqual([]);
    expect(findings({ settings: SETTINGS, defaultRegion: 'ZZ', phoneNumbers: [{ e164PhoneNumber: 'x' }] }, [], false)).toEqual([]);
  });
});

describe('portal and user ids', () => {
  it('must be positive decimal integers of at most 15 digits, reported at the key', () => {
    const result = findings({
      settings: SETTINGS,
      portals: {
        '42': { users: { '7': {}, '07': {}, x: {} } },
        '0': {},
        '1234567890123456': {},
        '123456789012345': {},
      },
    });
    expect(result.map((f) => `${f.code} ${f.segments.join('.')} ${f.at}`).sort()).toEqual([
      'invalid-portal-id portals.0 key',
      'invalid-portal-id portals.1234567890123456 key',
      'invalid-user-id portals.42.users.07 key',
      'invalid-user-id portals.42.users.x key',
    ]);
    const user = result.find((f) => f.code === 'invalid-user-id' && f.segments.at(-1) === 'x');
    expect(user?.message).toBe('a user id must be a positive integer, got "x"');
    expect(user?.hint).toBe('write the numeric user id HubSpot sends as userId, e.g. "42"');
  });
});

describe('phone numbers', () => {
  const entry = (e164PhoneNumber: string, more: Record<string, unknown> = {}) => ({ e164PhoneNumber, friendlyName: 'Line', ...more });

  it('are checked in the app’s list, each portal’s and each user’s', () => {
    const result = codes({
      settings: SETTINGS,
      phoneNumbers: [entry('+1 415')],
      portals: { '42': { phoneNumbers: [entry('+1')], users: { '7': { phoneNumbers: [entry('415')] } } } },
    });
    expect(result).toEqual([
      'phone-not-e164 phoneNumbers.0.e164PhoneNumber',
      'phone-impossible portals.42.phoneNumbers.0.e164PhoneNumber',
      'phone-not-e164 portals.42.users.7.phoneNumbers.0.e164PhoneNumber',
    ]);
  });

  it('a number listed twice in one list is an error naming the first; in two lists it is not', () => {
    const result = findings({
      settings: SETTINGS,
      phoneNumbers: [entry('+14155552671'), entry('+14155552672'), entry('+14155552671')],
      portals: { '42': { phoneNumbers: [entry('+14155552671')] } },
    });
    expect(result.map((f) => [f.code, f.segments.join('.')])).toEqual([['duplicate-phone-number', 'phoneNumbers.2.e164PhoneNumber']]);
    expect(result[0]?.message).toBe('"+14155552671" is already listed as phoneNumbers[0]');
  });

  it('the same number with another extension is not a duplicate; with the same one it is, and an extension is a warning', () => {
    const result = findings({
      settings: SETTINGS,
      phoneNumbers: [entry('+14155552671', { extension: '1' }), entry('+14155552671', { extension: '2' }), entry('+14155552671', { extension: '1' }), entry('+14155552671')],
    });
    expect(result.map((f) => `${f.severity} ${f.code} ${f.segments.join('.')}`)).toEqual([
      'warning phone-extension phoneNumbers.0.extension',
      'warning phone-extension phoneNumbers.1.extension',
      'error duplicate-phone-number phoneNumbers.2.e164PhoneNumber',
      'warning phone-extension phoneNumbers.2.extension',
    ]);
    expect(result[2]?.message).toBe('"+14155552671" with extension "1" is already listed as phoneNumbers[0]');
    expect(result[0]?.message).toBe('HubSpot does not let users select a number with an extension');
  });

  it(`a friendlyName over ${FRIENDLY_NAME_MAX} characters (code points) is a warning showing what users see`, () => {
    expect(FRIENDLY_NAME_MAX).toBe(24);
    const long = 'A'.repeat(25);
    const [warning, ...rest] = findings({ settings: SETTINGS, phoneNumbers: [entry('+14155552671', { friendlyName: long })] });
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ code: 'friendly-name-too-long', severity: 'warning', segments: ['phoneNumbers', 0, 'friendlyName'] });
    expect(warning?.message).toBe('friendlyName has 25 characters; HubSpot truncates it to 24');
    expect(warning?.hint).toBe(`users will see "${'A'.repeat(24)}"`);
    // 24 emoji are 48 UTF-16 units but 24 characters: no warning.
    expect(findings({ settings: SETTINGS, phoneNumbers: [entry('+14155552671', { friendlyName: '😀'.repeat(24) })] })).toEqual([]);
    expect(findings({ settings: SETTINGS, phoneNumbers: [entry('+14155552671', { friendlyName: 'A'.repeat(24) })] })).toEqual([]);
  });

  it('entries that are not mappings, and numbers already reported, are skipped', () => {
    expect(codes({ settings: SETTINGS, phoneNumbers: ['+1', null, entry('x')] }, ['phoneNumbers[2].e164PhoneNumber'])).toEqual([]);
  });
});
