import { describe, expect, it } from 'vitest';
import { compareNumbers, numbersMatch } from '../../../src/webhook/compare.js';

const a = { e164PhoneNumber: '+14155552671', friendlyName: 'Support' };
const b = { e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'Desk' };
const c = { e164PhoneNumber: '+442071838750', friendlyName: 'London' };

describe('compareNumbers', () => {
  it('finds no difference for the same numbers in another order', () => {
    const result = compareNumbers([a, b, c], [c, a, b]);
    expect(result).toEqual({ missing: [], unexpected: [], changedFriendlyName: [] });
    expect(numbersMatch(result)).toBe(true);
  });

  it('reports missing, unexpected and changed friendlyName precisely', () => {
    const result = compareNumbers([a, b, c], [{ ...a, friendlyName: 'Sales' }, c, { e164PhoneNumber: '+15550100', friendlyName: 'New' }]);
    expect(result).toEqual({
      missing: [b],
      unexpected: [{ e164PhoneNumber: '+15550100', friendlyName: 'New' }],
      changedFriendlyName: [{ e164PhoneNumber: '+14155552671', expected: 'Support', actual: 'Sales' }],
    });
    expect(numbersMatch(result)).toBe(false);
  });

  it('treats the extension as part of the identity', () => {
    const withoutExtension = { e164PhoneNumber: b.e164PhoneNumber, friendlyName: 'Desk' };
    const result = compareNumbers([b], [withoutExtension]);
    expect(result.missing).toEqual([b]);
    expect(result.unexpected).toEqual([withoutExtension]);
    const renamed = compareNumbers([b], [{ ...b, friendlyName: 'Front desk' }]);
    expect(renamed.changedFriendlyName).toEqual([{ e164PhoneNumber: b.e164PhoneNumber, extension: '1', expected: 'Desk', actual: 'Front desk' }]);
  });

  it('counts a number answered twice once; the repeat is unexpected', () => {
    expect(compareNumbers([a], [a, a])).toEqual({ missing: [], unexpected: [a], changedFriendlyName: [] });
  });

  it('with nothing expected, every answered number is unexpected (what import --probe reads)', () => {
    expect(compareNumbers([], [a, b]).unexpected).toEqual([a, b]);
  });
});
