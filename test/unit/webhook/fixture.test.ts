import { describe, expect, it } from 'vitest';
import { buildFixture, renderAppFixtures, renderFixture, truncateCodePoints } from '../../../src/webhook/fixture.js';
import { buildApp, phone, portal } from './build-app.js';

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
  const numbers = [
    phone('+14155552671', 'Support line with a very long name'),
    phone('+18001231234', 'Desk', '1'),
    phone('+442071838750', 'London 🇬🇧 office'),
  ];

  it('keeps config order, HubSpot key order, and truncates names', () => {
    expect(buildFixture(numbers)).toEqual({
      phoneNumbers: [
        { e164PhoneNumber: '+14155552671', friendlyName: 'Support line with a very' },
        { e164PhoneNumber: '+18001231234', extension: '1', friendlyName: 'Desk' },
        { e164PhoneNumber: '+442071838750', friendlyName: 'London 🇬🇧 office' },
      ],
    });
    expect(Object.keys(buildFixture(numbers).phoneNumbers[1] ?? {})).toEqual(['e164PhoneNumber', 'extension', 'friendlyName']);
  });

  it('renders 2-space JSON with a trailing newline, byte-identical every time', () => {
    const first = renderFixture(numbers);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.text.endsWith('}\n')).toBe(true);
    expect(first.text.split('\n')[1]).toBe('  "phoneNumbers": [');
    expect(renderFixture(structuredClone(numbers))).toEqual(first);
    expect(JSON.parse(first.text)).toEqual(buildFixture(numbers));
  });

  it('renders no numbers', () => {
    expect(renderFixture([])).toEqual({ ok: true, text: '{\n  "phoneNumbers": []\n}\n' });
  });

  it('refuses a fixture the schema rejects, saying where', () => {
    const bad = renderFixture([phone('4155552671', 'No plus')]);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors[0]).toMatch(/^phoneNumbers\[0\]\.e164PhoneNumber: must match pattern/);
  });

  it('does not mutate the config', () => {
    const before = structuredClone(numbers);
    renderFixture(numbers);
    expect(numbers).toEqual(before);
  });
});

describe('renderAppFixtures: one file per declared level', () => {
  const app = buildApp({
    appId: 7,
    phoneNumbers: [phone('+14155552671', 'Default')],
    portals: [portal(42, [phone('+14155552672', 'Portal 42')], { 9: [phone('+14155552673', 'User 9')], 3: [] }), portal(5, undefined, { 1: [phone('+14155552674', 'User 1 of 5')] })],
  });

  it('writes the app, every portal and every user, sorted, each with the most specific numbers', () => {
    const rendered = renderAppFixtures(app);
    if (!rendered.ok) throw new Error(rendered.errors.join());
    const byPath = Object.fromEntries(rendered.files.map((f) => [f.path, JSON.parse(f.text).phoneNumbers.map((n: { friendlyName: string }) => n.friendlyName)]));
    expect(rendered.files.map((f) => f.path)).toEqual([
      '7.json',
      '7/portals/5.json',
      '7/portals/5/users/1.json',
      '7/portals/42.json',
      '7/portals/42/users/3.json',
      '7/portals/42/users/9.json',
    ]);
    expect(byPath).toEqual({
      '7.json': ['Default'],
      // A portal without its own numbers answers the app's.
      '7/portals/5.json': ['Default'],
      '7/portals/5/users/1.json': ['User 1 of 5'],
      '7/portals/42.json': ['Portal 42'],
      // An empty user list is a declaration too: that user gets no numbers.
      '7/portals/42/users/3.json': [],
      '7/portals/42/users/9.json': ['User 9'],
    });
    expect(rendered.files.find((f) => f.path === '7/portals/42/users/9.json')).toMatchObject({ appId: 7, portalId: 42, userId: 9 });
  });

  it('gives no fixtures to an app whose channel connection is absent or not managed', () => {
    expect(renderAppFixtures(buildApp({ appId: 1, url: null, phoneNumbers: [phone('+14155552671', 'x')] }))).toEqual({ ok: true, files: [] });
    expect(renderAppFixtures(buildApp({ appId: 1, unmanaged: true, phoneNumbers: [phone('+14155552671', 'x')] }))).toEqual({ ok: true, files: [] });
  });

  it('names the level whose fixture the schema refuses', () => {
    const bad = renderAppFixtures(buildApp({ appId: 3, portals: [portal(8, undefined, { 2: [phone('nope', 'x')] })] }));
    expect(bad).toEqual({ ok: false, errors: [expect.stringMatching(/^app 3 portal 8 user 2: phoneNumbers\[0\]\.e164PhoneNumber/)] });
  });
});
