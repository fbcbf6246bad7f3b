import { describe, expect, it } from 'vitest';
import { buildFixture, renderFixture, truncateCodePoints } from '../../../src/webhook/fixture.js';
import { buildApp, phone } from './build-app.js';

describe('truncateCodePoints (HubSpot truncates friendlyName to 24 characters)', () => {
  it('keeps names of up to 24 code points', () => {
    expect(truncateCodePoints('My cell phone number')).toBe('My cell phone number');
    expect(truncateCodePoints('x'.repeat(24))).toBe('x'.repeat(24));
    expect(truncateCodePoints('')).toBe('');
  });

  it('cuts at 24 code points', () => {
    expect(truncateCodePoints('abcdefghijklmnopqrstuvwxyz')).toBe('abcdefghijklmnopqrstuvwx');
  });

  it('counts an astral character (two UTF-16 units) as one and never splits it', () => {
    const name = '📞'.repeat(30);
    const cut = truncateCodePoints(name);
    expect([...cut]).toHaveLength(24);
    expect(cut).toBe('📞'.repeat(24));
    // 23 ASCII + an emoji at position 24 keeps the whole emoji.
    expect(truncateCodePoints(`${'a'.repeat(23)}📞tail`)).toBe(`${'a'.repeat(23)}📞`);
    // An emoji at position 25 goes whole, not half.
    const dropped = truncateCodePoints(`${'a'.repeat(24)}📞`);
    expect(dropped).toBe('a'.repeat(24));
    expect(/[\ud800-\udfff]/.test(dropped)).toBe(false);
  });

  it('counts code points, not grapheme clusters (a flag is two)', () => {
    const flag = '🇫🇷';
    expect(truncateCodePoints(`${'a'.repeat(23)}${flag}`)).toBe(`${'a'.repeat(23)}🇫`);
  });

  it('never leaves a lone surrogate for any cut point', () => {
    for (let ascii = 0; ascii < 30; ascii++) {
      const cut = truncateCodePoints(`${'b'.repeat(ascii)}${'😀'.repeat(30)}`, 24);
      expect([...cut]).toHaveLength(24);
      // A lone surrogate would not survive a UTF-8 round trip.
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
    }
  });
});

describe('buildFixture / renderFixture', () => {
  const app = buildApp({
    appId: 1234567,
    phoneNumbers: [
      phone('+14155552671', 'Support line with a very long name'),
      phone('+18001231234', 'Desk', '1'),
      phone('+442071838750', 'London 🇬🇧 office'),
    ],
  });

  it('keeps config order, HubSpot key order, and truncates names', () => {
    expect(buildFixture(app)).toEqual({
      phoneNumbers: [
        { e164PhoneNumber: '+14155552671', friendlyName: 'Support line with a very' },
        { e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'Desk' },
        { e164PhoneNumber: '+442071838750', friendlyName: 'London 🇬🇧 office' },
      ],
    });
    expect(Object.keys(buildFixture(app).phoneNumbers[1] ?? {})).toEqual(['e164PhoneNumber', 'extension', 'friendlyName']);
  });

  it('renders 2-space JSON with a trailing newline, byte-identical every time', () => {
    const first = renderFixture(app);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.text.endsWith('}\n')).toBe(true);
    expect(first.text.split('\n')[1]).toBe('  "phoneNumbers": [');
    expect(renderFixture(structuredClone(app))).toEqual(first);
    expect(JSON.parse(first.text)).toEqual(buildFixture(app));
  });

  it('renders an app without numbers', () => {
    expect(renderFixture(buildApp({ appId: 1 }))).toEqual({ ok: true, text: '{\n  "phoneNumbers": []\n}\n' });
  });

  it('refuses a fixture the schema rejects, saying where', () => {
    const bad = renderFixture(buildApp({ appId: 2, phoneNumbers: [phone('4155552671', 'No plus')] }));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors[0]).toMatch(/^phoneNumbers\[0\]\.e164PhoneNumber: must match pattern/);
  });

  it('does not mutate the config', () => {
    const before = structuredClone(app);
    renderFixture(app);
    expect(app).toEqual(before);
  });
});
