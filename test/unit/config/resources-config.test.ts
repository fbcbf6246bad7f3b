import { describe, expect, it } from 'vitest';
import { parseConfigText, type ParseConfigOptions } from '../../../src/config/parse-config.js';
import { API_VERSIONS } from '../../../src/config/model.js';
import { calling, present, recording } from '../../helpers/builders.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

async function parse(text: string, options: Partial<ParseConfigOptions> = {}) {
  return parseConfigText(text, 'c.yaml', { env: {}, strict: false, ...options });
}

/** Every diagnostic as [code, line, column, path]. */
async function codes(text: string, options: Partial<ParseConfigOptions> = {}) {
  return (await parse(text, options)).diagnostics.map((d) => [d.code, d.line, d.column, d.path]);
}

// Spelled out as text: this is what the parser reads. Its values are calling()'s.
const CALLING = [
  'calling:',
  '  name: Acme Phone',
  '  url: https://app.acme.example/hubspot/dialer',
  '  width: 400',
  '  height: 600',
  '  isReady: true',
  '  supportsCustomObjects: false',
  '  supportsInboundCalling: true',
  '  usesCallingWindow: true',
  '  usesRemote: true',
];
const RECORDING = ['recording:', '  urlToRetrieveAuthedRecording: https://api.acme.example/recordings/%s'];

/** CALLING with one field's line replaced (or removed with `null`). */
const callingWith = (field: string, row: string | null) =>
  CALLING.flatMap((line) => (line.startsWith(`  ${field}:`) ? (row === null ? [] : [row]) : [line]));

describe('the calling and recording blocks', () => {
  it('a document may manage only calling settings; fields come in descriptor order', async () => {
    const result = await parse(lines('appId: 5', ...CALLING));
    expect(result.diagnostics).toEqual([]);
    const declared = result.apps[0]?.resources['calling-settings'];
    expect(declared).toEqual(present(calling()));
    expect(Object.keys(result.apps[0]?.resources ?? {})).toEqual(['calling-settings']);
    expect(Object.keys(declared?.ensure === 'present' ? declared.fields : {})).toEqual([
      'name', 'url', 'width', 'height', 'isReady', 'supportsCustomObjects', 'supportsInboundCalling', 'usesCallingWindow', 'usesRemote',
    ]);
  });

  it('all three resources together', async () => {
    const result = await parse(lines('appId: 5', 'settings: {url: "https://h.example", isReady: false}', ...CALLING, ...RECORDING));
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(result.apps[0]?.resources ?? {}).sort()).toEqual(['calling-settings', 'channel-connection', 'recording-settings']);
    expect(result.apps[0]?.resources['recording-settings']).toEqual(present(recording()));
  });

  it('a document that manages no resource is one error at the document', async () => {
    const result = await parse(lines('# an app', 'appId: 5', 'phoneNumbers: []'));
    expect(result.apps).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'missing-key', line: 2, column: 1, path: '', hint: expect.stringContaining('`calling`') }),
    ]);
  });

  it('calling with ensure: absent is a delete and takes no other field', async () => {
    const ok = await parse(lines('appId: 5', 'calling:', '  ensure: absent'));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.apps[0]?.resources).toEqual({ 'calling-settings': { ensure: 'absent' } });
    expect(await codes(lines('appId: 5', 'calling:', '  ensure: absent', '  name: Acme', '  width: 3'))).toEqual([
      ['field-with-absent', 4, 3, 'calling.name'],
      ['field-with-absent', 5, 3, 'calling.width'],
    ]);
    // A misspelt field is one error, the unknown key, not a second one for being there with absent.
    const typo = await parse(lines('appId: 5', 'calling:', '  ensure: absent', '  nmae: Acme'));
    expect(typo.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['unknown-key', 4, 3]]);
  });

  it('a misspelt ensure value is one error, not also the keys that ensure would require', async () => {
    for (const text of [lines('appId: 5', 'calling:', '  ensure: absnt'), lines('appId: 5', 'ensure: absnt')]) {
      const result = await parse(text);
      expect(result.diagnostics).toHaveLength(1);
      expect(result.diagnostics[0]).toMatchObject({ path: expect.stringMatching(/ensure$/), hint: 'did you mean "absent"?' });
    }
  });

  it('a merge key (<<) is one error that says YAML 1.2 does not merge, not also the keys it would have brought', async () => {
    const result = await parse(lines('appId: 5', 'settings:', '  <<: {url: "https://a.example"}', '  isReady: true'));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'unknown-key', line: 3, column: 3, hint: expect.stringContaining('%YAML 1.1') });
    const merged = await parse(lines('%YAML 1.1', '---', 'appId: 5', 'settings:', '  <<: {url: "https://a.example"}', '  isReady: true'));
    expect(merged.diagnostics).toEqual([]);
    expect(merged.apps[0]?.resources['channel-connection']).toEqual({ ensure: 'present', fields: { url: 'https://a.example', isReady: true } });
  });

  it('a width or height beyond HubSpot\'s int32 is one error at the value', async () => {
    const result = await parse(lines('appId: 5', ...CALLING.map((row) => (row.startsWith('  width') ? '  width: 1e300' : row))));
    expect(result.diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([['invalid-value', 'calling.width', expect.stringContaining('up to 2147483647')]]);
  });

  it('ensure: present without settings is one error, the precise one', async () => {
    const result = await parse(lines('appId: 5', 'ensure: present'));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'missing-key', line: 1, column: 1, message: 'missing required key `settings`' });
  });

  it('calling present needs all nine fields: one error at the block naming the missing ones', async () => {
    const result = await parse(lines('appId: 5', 'calling:', '  ensure: present', '  name: Acme'));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'missing-key', line: 3, column: 3, path: 'calling' });
    for (const field of ['url', 'width', 'height', 'isReady', 'usesRemote']) expect(result.diagnostics[0]?.message).toContain(`\`${field}\``);
    expect(result.diagnostics[0]?.message).not.toContain('`name`');
  });

  it.each([
    ['url', '  url: http://app.acme.example/dialer', 'insecure-url'],
    ['url', '  url: dialer', 'invalid-url'],
    ['width', '  width: 0', 'invalid-value'],
    ['height', '  height: -4', 'invalid-value'],
    ['width', '  width: 1.5', 'invalid-type'],
    ['width', '  width: "400"', 'invalid-type'],
    ['name', '  name: ""', 'invalid-value'],
    ['name', '  name: "   "', 'invalid-value'],
    ['isReady', '  isReady: "yes"', 'invalid-type'],
  ])('calling.%s: `%s` is %s, once, at the value', async (field, row, code) => {
    const result = await parse(lines('appId: 5', ...callingWith(field, row)));
    const at = 2 + CALLING.findIndex((line) => line.startsWith(`  ${field}:`));
    expect(result.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([[code, at, `calling.${field}`]]);
    expect(result.diagnostics[0]?.column).toBe(row.indexOf(':') + 3);
  });

  it.each([
    ['https://api.acme.example/recordings/%s', undefined],
    ['http://127.0.0.1:4010/recordings/%s', undefined],
    ['https://api.acme.example/recordings', 'missing-placeholder'],
    ['http://api.acme.example/recordings/%s', 'insecure-url'],
    ['recordings/%s', 'invalid-url'],
  ])('recording URL %s: %s', async (url, code) => {
    const result = await parse(lines('appId: 5', 'recording:', `  urlToRetrieveAuthedRecording: ${url}`));
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual(code === undefined ? [] : [[code, 3, 33]]);
  });

  it('recording takes no ensure: HubSpot cannot delete recording settings', async () => {
    for (const ensure of ['absent', 'present']) {
      const result = await parse(lines('appId: 5', ...RECORDING, `  ensure: ${ensure}`));
      expect(result.diagnostics).toEqual([
        expect.objectContaining({ code: 'recording-not-deletable', line: 4, column: 3, path: 'recording.ensure', message: expect.stringContaining('cannot delete') }),
      ]);
    }
    // Written instead of the URL, as one would for calling settings: still one mistake, one error.
    const alone = await parse(lines('appId: 5', 'recording:', '  ensure: absent'));
    expect(alone.diagnostics.map((d) => [d.code, d.path])).toEqual([['recording-not-deletable', 'recording.ensure']]);
    // Without `ensure`, the missing URL is the error.
    const empty = await parse(lines('appId: 5', 'recording: {}'));
    expect(empty.diagnostics.map((d) => d.code)).toEqual(['missing-key']);
  });

  it('auth defaults by version and can be set on any version', async () => {
    for (const version of API_VERSIONS) {
      const result = await parse(lines('appId: 5', `apiVersion: "${version}"`, 'ensure: absent'));
      expect(result.apps[0]?.auth).toBe(version === 'v3' ? 'developer-api-key' : 'access-token');
      for (const auth of ['developer-api-key', 'access-token']) {
        expect((await parse(lines('appId: 5', `apiVersion: "${version}"`, `auth: ${auth}`, 'ensure: absent'))).apps[0]?.auth).toBe(auth);
      }
    }
    const wrong = await parse(lines('appId: 5', 'auth: acess-token', 'ensure: absent'));
    expect(wrong.diagnostics).toEqual([expect.objectContaining({ code: 'invalid-value', path: 'auth', hint: 'did you mean "access-token"?' })]);
  });

  it('explicit top-level ensure: present still needs settings', async () => {
    expect(await codes(lines('appId: 5', 'ensure: present', ...RECORDING))).toEqual([['missing-key', 1, 1, '']]);
  });
});

describe('one typo, one error', () => {
  it.each([
    ['a calling field', lines('appId: 5', ...callingWith('width', '  wdith: 400')), 'calling.wdith', '`width`'],
    ['settings', lines('appId: 5', 'setings:', '  url: https://a.example', '  isReady: true'), 'setings', '`settings`'],
    ['a settings field', lines('appId: 5', 'settings:', '  url: https://a.example', '  isready: true'), 'settings.isready', '`isReady`'],
    ['appId', lines('appid: 5', 'ensure: absent'), 'appid', '`appId`'],
    ['calling', lines('appId: 5', ...CALLING.map((l) => l.replace('calling:', 'caling:'))), 'caling', '`calling`'],
    ['calling’s ensure', lines('appId: 5', 'calling:', '  ensur: absent'), 'calling.ensur', '`ensure`'],
    ['a number field', lines('appId: 5', 'ensure: absent', 'phoneNumbers:', '  - e164PhoneNumber: "+14155552671"', '    friendlyname: Desk'), 'phoneNumbers[0].friendlyname', '`friendlyName`'],
    ['a user’s numbers', lines('appId: 5', 'ensure: absent', 'portals:', '  "1":', '    users:', '      "2":', '        phoneNumber: []'), 'portals["1"].users["2"].phoneNumber', '`phoneNumbers`'],
  ])('a typo of %s gives only the did-you-mean', async (_name, text, path, suggestion) => {
    const { diagnostics } = await parse(text);
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['unknown-key', path]]);
    expect(diagnostics[0]?.message).toContain(`did you mean ${suggestion}`);
  });
});

describe('the portals block', () => {
  const NUMBER = (n: string, name = 'Desk') => [`      - e164PhoneNumber: "${n}"`, `        friendlyName: ${name}`];

  it('is sorted by portal id, users by user id; a portal without numbers keeps the app’s', async () => {
    const text = lines(
      'appId: 5',
      'settings: {url: "https://h.example", isReady: true}',
      'portals:',
      '  "900":',
      '    phoneNumbers:',
      ...NUMBER('+14155552671'),
      '  "42":',
      '    users:',
      '      "70":',
      '        phoneNumbers: [{e164PhoneNumber: "+442079460958", friendlyName: London}]',
      '      "7":',
      '        phoneNumbers: []',
    );
    const result = await parse(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.apps[0]?.portals).toEqual([
      {
        portalId: 42,
        users: [
          { userId: 7, phoneNumbers: [] },
          { userId: 70, phoneNumbers: [{ e164PhoneNumber: '+442079460958', friendlyName: 'London' }] },
        ],
      },
      { portalId: 900, phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Desk' }], users: [] },
    ]);
  });

  it.each(['abc', '0', '-3', '1.5', '042', '1234567890123456'])('portal id %s is an error at the key', async (id) => {
    const text = lines('appId: 5', 'ensure: absent', 'portals:', `  "${id}":`, '    phoneNumbers: []');
    expect(await codes(text)).toEqual([['invalid-portal-id', 4, 3, id === 'abc' ? 'portals.abc' : `portals["${id}"]`]]);
  });

  it('an unquoted numeric portal id is fine, a bad user id is an error at its key', async () => {
    const text = lines('appId: 5', 'ensure: absent', 'portals:', '  42:', '    users:', '      me:', '        phoneNumbers: []');
    expect(await codes(text)).toEqual([['invalid-user-id', 6, 7, 'portals["42"].users.me']]);
  });

  it('numbers follow the app’s rules at every level, duplicates within one list', async () => {
    const text = lines(
      'appId: 5',
      'ensure: absent',
      'phoneNumbers: [{e164PhoneNumber: "+14155552671", friendlyName: A}]',
      'portals:',
      '  "42":',
      '    phoneNumbers:',
      ...NUMBER('+14155552671'), // the same number as the app's: another list, fine
      ...NUMBER('+14155552671'),
      '    users:',
      '      "7":',
      '        phoneNumbers:',
      '          - {e164PhoneNumber: "415 555 2671", friendlyName: B}',
      '          - {e164PhoneNumber: "+14155552672", extension: "1", friendlyName: This name is far too long for HubSpot}',
    );
    const result = await parse(text);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line, d.path])).toEqual([
      ['duplicate-phone-number', 'error', 9, 'portals["42"].phoneNumbers[1].e164PhoneNumber'],
      ['phone-not-e164', 'error', 14, 'portals["42"].users["7"].phoneNumbers[0].e164PhoneNumber'],
      ['phone-extension', 'warning', 15, 'portals["42"].users["7"].phoneNumbers[1].extension'],
      ['friendly-name-too-long', 'warning', 15, 'portals["42"].users["7"].phoneNumbers[1].friendlyName'],
    ]);
    expect(result.diagnostics[0]?.message).toContain('portals["42"].phoneNumbers[0]');
  });

  it('42 and "42" are one portal id: a duplicate key at the second', async () => {
    const text = lines('appId: 5', 'ensure: absent', 'portals:', '  42: {phoneNumbers: []}', '  "42":', '    users: {7: {phoneNumbers: []}, "7": {phoneNumbers: []}}');
    expect(await codes(text)).toEqual([
      ['duplicate-key', 5, 3, 'portals["42"]'],
      ['duplicate-key', 6, 36, 'portals["42"].users["7"]'],
    ]);
  });

  it('a user needs phoneNumbers', async () => {
    const text = lines('appId: 5', 'ensure: absent', 'portals:', '  "42":', '    users:', '      "7": {}');
    expect(await codes(text)).toEqual([['missing-key', 6, 12, 'portals["42"].users["7"]']]);
  });
});

describe('every rule of the resource blocks says what to do', () => {
  const calling = (field: string, value: string) => CALLING.map((line) => (line.startsWith(`  ${field}:`) ? `  ${field}: ${value}` : line));
  it.each([
    ['width 0', calling('width', '0'), 'calling.width', 'for example: width: 400'],
    ['a fractional height', calling('height', '1.5'), 'calling.height', 'for example: height: 600'],
    ['an empty name', calling('name', '""'), 'calling.name', 'for example: name: Acme Calling'],
    ['a blank name', calling('name', '"  "'), 'calling.name', 'for example: name: Acme Calling'],
    ['an unknown auth', ['auth: oauth', ...CALLING], 'auth', 'developer-api-key sends HUBSPOT_DEVELOPER_API_KEY'],
    ['an unknown ensure', ['calling:', '  ensure: gone'], 'calling.ensure', 'for example: ensure: present'],
    ['an empty recording block', ['recording: {}'], 'recording', 'for example: urlToRetrieveAuthedRecording: https://api.example.com/recordings/%s'],
    ['an empty calling block', ['calling:'], 'calling', 'for example: name: Acme Calling'],
    ['a settings block without isReady', ['settings:', '  url: https://calls.example.com/5'], 'settings', 'for example: isReady: true'],
  ])('%s', async (_what, body, path, hint) => {
    const { diagnostics } = await parse(lines('appId: 5', ...body));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', path, hint: expect.stringContaining(hint) });
    expect(diagnostics[0]?.line).toBeGreaterThan(1);
  });
});
