import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../../src/config/suggest.js';
import { formatYamlPath, segmentsFromPointer } from '../../../src/config/yaml-path.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['isReady', 'isready', 1],
    ['wdith', 'width', 1],
    ['ca', 'abc', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('closestName', () => {
  it('suggests close names case-insensitively and nothing for distant ones', () => {
    expect(closestName('isready', ['url', 'isReady'])).toBe('isReady');
    expect(closestName('phoneNumber', ['appId', 'phoneNumbers'])).toBe('phoneNumbers');
    expect(closestName('colour', ['url', 'isReady'])).toBeUndefined();
    expect(closestName('wdith', ['name', 'width', 'height'])).toBe('width');
  });
});

describe('YAML paths', () => {
  it('formats keys, indices and unusual keys', () => {
    expect(formatYamlPath([])).toBe('');
    expect(formatYamlPath(['phoneNumbers', 2, 'e164PhoneNumber'])).toBe('phoneNumbers[2].e164PhoneNumber');
    expect(formatYamlPath(['settings', 'my key'])).toBe('settings["my key"]');
  });

  it('decodes JSON pointers, numbering only array indices', () => {
    const data = { phoneNumbers: [{}, {}], '0': { 'a/b': 1 } };
    expect(segmentsFromPointer('/phoneNumbers/1/friendlyName', data)).toEqual(['phoneNumbers', 1, 'friendlyName']);
    expect(segmentsFromPointer('/0/a~1b', data)).toEqual(['0', 'a/b']);
  });
});
