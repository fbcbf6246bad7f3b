import { describe, expect, it } from 'vitest';
import { parseHubSpotTimestamp } from '../../../src/hubspot/timestamps.js';

describe('parseHubSpotTimestamp', () => {
  it('reads ISO-8601 with Z, fractions and offsets', () => {
    expect(parseHubSpotTimestamp('2023-11-07T05:31:56Z')).toBe(Date.UTC(2023, 10, 7, 5, 31, 56));
    expect(parseHubSpotTimestamp('2023-11-07T05:31:56.123456Z')).toBe(Date.UTC(2023, 10, 7, 5, 31, 56, 123));
    expect(parseHubSpotTimestamp('2023-11-07T07:31:56+02:00')).toBe(Date.UTC(2023, 10, 7, 5, 31, 56));
    expect(parseHubSpotTimestamp('2023-11-07T00:31:56-0500')).toBe(Date.UTC(2023, 10, 7, 5, 31, 56));
  });
  it('reads the seed form `2024-04-30 12:01` as UTC', () => {
    expect(parseHubSpotTimestamp('2024-04-30 12:01')).toBe(Date.UTC(2024, 3, 30, 12, 1));
  });
  it('rejects other text and impossible dates', () => {
    for (const bad of ['', 'yesterday', '2024-02-30 12:00', '2024-13-01T00:00:00Z', '2024-04-30T24:00:00Z', '1714478460000']) {
      expect(parseHubSpotTimestamp(bad), bad).toBeUndefined();
    }
  });
});
