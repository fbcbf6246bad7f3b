import { describe, expect, it } from 'vitest';
import { parseConfigText, type ParseConfigOptions } from '../../../src/config/parse-config.js';
import type { AppConfig } from '../../../src/config/model.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

/** The channel connection an app declares, as the old `settings` read: its fields, or null. */
const settingsOf = (app: AppConfig | undefined) => {
  const desired = app?.resources['channel-connection'];
  return desired?.ensure === 'present' ? desired.fields : null;
};

const GOOD_APP = lines(
  'appId: 1234567',
  'settings:',
  '  url: https://calls.example.com/hook',
  '  isReady: true',
  'phoneNumbers:',
  '  - e164PhoneNumber: "+14155552671"',
  '    friendlyName: Support',
);

async function parse(text: string, options: Partial<ParseConfigOptions> = {}) {
  return parseConfigText(text, 'c.yaml', { env: {}, strict: false, ...options });
}

/** The one diagnostic with `code`, as {severity, line, column, path}. */
async function only(text: string, code: string, options: Partial<ParseConfigOptions> = {}) {
  const { diagnostics } = await parse(text, options);
  const matching = diagnostics.filter((d) => d.code === code);
  expect(matching, JSON.stringify(diagnostics, null, 2)).toHaveLength(1);
  const [d] = matching as [Diagnostic];
  return { severity: d.severity, line: d.line, column: d.column, path: d.path, file: d.file, message: d.message, hint: d.hint };
}

describe('parseConfigText: a valid document', () => {
  it('returns the app with defaults, its source position and no diagnostics', async () => {
    const result = await parse(lines('# header', GOOD_APP));
    expect(result.diagnostics).toEqual([]);
    expect(result.apps).toEqual([
      {
        appId: 1234567,
        apiVersion: 'v3',
        auth: 'developer-api-key',
        resources: { 'channel-connection': { ensure: 'present', fields: { url: 'https://calls.example.com/hook', isReady: true } } },
        phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'Support' }],
        portals: [],
        source: { file: 'c.yaml', line: 2, column: 8 },
      },
    ]);
  });

  it('reads one app per document and skips empty documents', async () => {
    const text = lines('---', 'appId: 1', 'ensure: absent', '---', 'appId: 2', 'apiVersion: "2026-03"', 'ensure: absent', '---', '# trailing');
    const result = await parse(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.apps.map((a) => [a.appId, a.apiVersion, a.auth, a.resources, a.source.line])).toEqual([
      [1, 'v3', 'developer-api-key', { 'channel-connection': { ensure: 'absent' } }, 2],
      [2, '2026-03', 'access-token', { 'channel-connection': { ensure: 'absent' } }, 5],
    ]);
  });

  it('drops settings when ensure is absent', async () => {
    const result = await parse(lines('appId: 5', 'ensure: absent', 'settings:', '  url: https://x.example', '  isReady: true'));
    expect(result.apps[0]?.resources).toEqual({ 'channel-connection': { ensure: 'absent' } });
  });

  it('keeps the valid documents of a file whose other documents have errors', async () => {
    const result = await parse(lines('appId: 1', 'ensure: absent', '---', 'appId: 0', 'ensure: absent'));
    expect(result.apps.map((a) => a.appId)).toEqual([1]);
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['invalid-app-id', 4]]);
  });

  it('does not mutate anything it is given and is deterministic', async () => {
    const env = Object.freeze({ URL: 'https://a.example' });
    const text = lines('appId: 1', 'settings:', '  url: ${URL}', '  isReady: false');
    const first = await parse(text, { env });
    expect(await parse(text, { env })).toEqual(first);
    expect(settingsOf(first.apps[0])?.url).toBe('https://a.example');
  });
});

describe('parseConfigText: whole-file and YAML diagnostics', () => {
  it.each([
    ['an empty file', ''],
    ['a comments-only file', '# nothing\n# here\n'],
    ['only document markers', '---\n---\n'],
  ])('empty-file for %s, at 1:1 path ""', async (_name, text) => {
    expect(await only(text, 'empty-file')).toMatchObject({ severity: 'error', line: 1, column: 1, path: '', file: 'c.yaml' });
  });

  it('checks each document of a stream on its own: a broken one between good ones costs only itself', async () => {
    const app = (appId: number) => lines(`appId: ${appId}`, 'settings:', '  url: https://calls.example.com/hook', '  isReady: true');
    const text = [app(1), lines('appId: 2', 'settings: [1, 2'), app(3), lines('# trailing comment only'), lines('appId: 4', 'settings:', '  url: http://insecure.example', '  isReady: true')].join('---\n');
    const result = await parse(text);
    expect(result.apps.map((a) => a.appId)).toEqual([1, 3]);
    expect(result.apps[1]?.source).toEqual({ file: 'c.yaml', line: 9, column: 8 });
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['yaml-syntax', 8],
      ['insecure-url', 18],
    ]);
  });

  it('yaml-syntax with yaml’s own position, the path there and a hint', async () => {
    const result = await parse(lines('appId: 1', 'settings: [1, 2', 'phoneNumbers: []'));
    expect(result.apps).toEqual([]);
    expect(result.diagnostics[0]).toMatchObject({
      code: 'yaml-syntax',
      severity: 'error',
      line: 3,
      column: 1,
      path: 'phoneNumbers',
      hint: 'check the indentation and quoting on this line and the one above it',
    });
  });

  it('yaml-syntax: only the first error of a document, counting the rest, with a hint for an unquoted ${VAR} in flow style', async () => {
    const result = await parse(lines('appId: 1', 'settings: {url: "https://x.example/h", isReady: ${R}}', 'phoneNumbers: []'), { env: { R: 'true' } });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 2, column: 50, path: 'settings' });
    expect(result.diagnostics[0]?.hint).toMatch(/^quote a \$\{VAR\} inside \{ \} or \[ \]: write "\$\{VAR\}"; \d+ more syntax errors follow in this document, most likely from this one$/);
  });

  it('yaml-syntax for a tab in indentation says to indent with spaces', async () => {
    const result = await parse(lines('appId: 1', 'settings:', '\turl: https://x.example/h'));
    expect(result.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 3, hint: expect.stringMatching(/^indent with spaces/) });
  });

  it('a string with no closing quote is reported where it opens, not where the file ends', async () => {
    for (const quote of ['"', "'"]) {
      const text = lines('appId: 1', 'settings:', `  url: ${quote}https://calls.example.com/1`, '  isReady: true', 'phoneNumbers: []', '', '# end');
      const { diagnostics } = await parse(text);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({
        code: 'yaml-syntax',
        line: 3,
        column: 8,
        path: 'settings.url',
        message: `the string that starts here has no closing ${quote}`,
        hint: `add the closing ${quote}: everything from here to the end of the file was read as this one string`,
      });
    }
    // In a flow mapping too.
    const flow = await parse(lines('appId: 1', 'settings: {url: "https://a.example, isReady: true}'));
    expect(flow.diagnostics[0]).toMatchObject({ line: 2, column: 17, path: 'settings.url' });
  });

  it('duplicate-key at the second occurrence, with its path', async () => {
    const text = lines('appId: 1', 'settings:', '  url: https://a.example', '  isReady: true', '  url: https://b.example');
    expect(await only(text, 'duplicate-key')).toMatchObject({ line: 5, column: 3, path: 'settings.url' });
  });

  it('yaml-warning for an unknown tag', async () => {
    const text = lines('appId: 1', 'ensure: !!foo absent');
    expect(await only(text, 'yaml-warning')).toMatchObject({ severity: 'warning', line: 2, column: 9 });
  });

  it('alias-limit refuses a billion-laughs document quickly', async () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'bcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < names.length; i++) {
      const previous = i === 0 ? 'a' : names[i - 1];
      rows.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    // Expanded, this would be 9^26 strings: the test's timeout is the bound.
    const result = await parse(lines(...rows));
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'alias-limit', line: 1, column: 1, path: '', hint: expect.stringContaining('every use of an alias counts') })]);
    // In a later document, at that document.
    const later = await parse(lines('appId: 1', 'ensure: absent', '---', ...rows));
    expect(later.diagnostics).toEqual([expect.objectContaining({ code: 'alias-limit', line: 4, column: 1 })]);
  });

  it('allows a few aliases', async () => {
    const text = lines('appId: 1', 'settings:', '  url: &u https://a.example', '  isReady: true', 'phoneNumbers:', '  - e164PhoneNumber: "+14155552671"', '    friendlyName: &n Desk', '  - e164PhoneNumber: "+14155552672"', '    friendlyName: *n');
    const result = await parse(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.apps[0]?.phoneNumbers[1]?.friendlyName).toBe('Desk');
  });

  it('yaml-syntax (not a stack trace) for nesting deep enough to exhaust the stack', async () => {
    const depth = 20_000;
    const result = await parse(`appId: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    expect(result.apps).toEqual([]);
    expect(result.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', message: 'the YAML is nested too deeply' });
  });
});

describe('parseConfigText: schema diagnostics', () => {
  it('unknown-key at the key, suggesting the closest name at that level', async () => {
    const text = lines('appId: 1', 'settings:', '  url: https://a.example', '  isready: true');
    const d = await only(text, 'unknown-key');
    expect(d).toMatchObject({ line: 4, column: 3, path: 'settings.isready' });
    expect(d.message).toContain('`isReady`');
  });

  it('unknown-key names the level a misplaced key belongs to', async () => {
    const d = await only(lines('appId: 1', 'ensure: absent', 'url: https://a.example'), 'unknown-key');
    expect(d).toMatchObject({ line: 3, column: 1, path: 'url' });
    expect(d.message).toContain('`settings`');
  });

  it('unknown-key without a suggestion when nothing is close', async () => {
    const d = await only(lines('appId: 1', 'ensure: absent', 'colour: blue'), 'unknown-key');
    expect(d.message).not.toContain('did you mean');
  });

  it('missing-key at the mapping that lacks it', async () => {
    const text = lines('appId: 1', 'settings:', '  url: https://a.example', '  isReady: true', 'phoneNumbers:', '  - friendlyName: Desk');
    expect(await only(text, 'missing-key')).toMatchObject({ line: 6, column: 5, path: 'phoneNumbers[0]' });
  });

  it('missing-key for settings when ensure is present, at the document', async () => {
    const d = await only(lines('# c', 'appId: 1'), 'missing-key');
    expect(d).toMatchObject({ line: 2, column: 1, path: '' });
    expect(d.message).toContain('settings');
  });

  it('invalid-type at the value, with a quoting hint for an unquoted +number', async () => {
    const text = lines('appId: 1', 'settings:', '  url: https://a.example', '  isReady: true', 'phoneNumbers:', '  - e164PhoneNumber: +14155552671', '    friendlyName: Desk');
    const d = await only(text, 'invalid-type');
    expect(d).toMatchObject({ line: 6, column: 22, path: 'phoneNumbers[0].e164PhoneNumber' });
    expect(d.hint).toContain('"+14155552671"');
  });

  it('invalid-type for an empty value points at its key', async () => {
    expect(await only(lines('appId: 1', 'settings:'), 'invalid-type')).toMatchObject({ line: 2, column: 1, path: 'settings' });
  });

  it('invalid-type for a document that is not a mapping', async () => {
    expect(await only(lines('- appId: 1'), 'invalid-type')).toMatchObject({ line: 1, column: 1, path: '' });
  });

  it('invalid-value for an enum, suggesting the closest value', async () => {
    const d = await only(lines('appId: 1', 'apiVersion: v4', 'ensure: absent'), 'invalid-value');
    expect(d).toMatchObject({ line: 2, column: 13, path: 'apiVersion' });
    expect(d.hint).toContain('"v3"');
  });

  it('invalid-value for a defaultRegion that is not two capitals', async () => {
    expect(await only(lines('appId: 1', 'ensure: absent', 'defaultRegion: usa'), 'invalid-value')).toMatchObject({
      line: 3,
      column: 16,
      path: 'defaultRegion',
    });
  });

  it('invalid-value for a defaultRegion with no numbering plan', async () => {
    expect(await only(lines('appId: 1', 'ensure: absent', 'defaultRegion: XX'), 'invalid-value')).toMatchObject({
      line: 3,
      path: 'defaultRegion',
    });
  });

  it('invalid-value for an empty friendlyName', async () => {
    const text = lines('appId: 1', 'ensure: absent', 'phoneNumbers:', '  - e164PhoneNumber: "+14155552671"', '    friendlyName: ""');
    expect(await only(text, 'invalid-value')).toMatchObject({ line: 5, column: 19, path: 'phoneNumbers[0].friendlyName' });
  });

  it.each([
    ['0', '0'],
    ['a negative number', '-3'],
    ['beyond int32', '2147483648'],
    ['a fraction', '1.5'],
    ['a quoted number', '"42"'],
    ['a word', 'app'],
  ])('invalid-app-id for %s, reported once at the value', async (_name, value) => {
    expect(await only(lines(`appId: ${value}`, 'ensure: absent'), 'invalid-app-id')).toMatchObject({ line: 1, column: 8, path: 'appId' });
  });
});

describe('parseConfigText: ${VAR} expansion', () => {
  const doc = (url: string) => lines('appId: 1', 'settings:', `  url: ${url}`, '  isReady: true');

  it('expands ${VAR} from the environment', async () => {
    const result = await parse(doc('${HOOK}'), { env: { HOOK: 'https://env.example/x' } });
    expect(settingsOf(result.apps[0])?.url).toBe('https://env.example/x');
  });

  it('uses the default when the variable is unset or empty, and the value when set', async () => {
    const text = doc('${HOOK:-https://default.example}');
    expect(settingsOf((await parse(text)).apps[0])?.url).toBe('https://default.example');
    expect(settingsOf((await parse(text, { env: { HOOK: '' } })).apps[0])?.url).toBe('https://default.example');
    expect(settingsOf((await parse(text, { env: { HOOK: 'https://set.example' } })).apps[0])?.url).toBe('https://set.example');
  });

  it('expands several references inside one string', async () => {
    const result = await parse(doc('https://${HOST}/${PATH_PART:-hook}'), { env: { HOST: 'h.example' } });
    expect(settingsOf(result.apps[0])?.url).toBe('https://h.example/hook');
  });

  it('writes a literal ${ for $${, expanding nothing after it', async () => {
    const result = await parse(doc('https://h.example/$${HOOK}/${PART}/$$x'), { env: { HOOK: 'expanded', PART: 'p' } });
    expect(result.diagnostics).toEqual([]);
    expect(settingsOf(result.apps[0])?.url).toBe('https://h.example/${HOOK}/p/$$x');
  });

  it('undefined-variable at the value, naming the variable, and no other finding there', async () => {
    const result = await parse(doc('${HOOK}'));
    expect(result.apps).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'undefined-variable', line: 3, column: 8, path: 'settings.url', message: expect.stringContaining('HOOK') }),
    ]);
  });

  it('turns an appId from the environment into a number', async () => {
    const text = lines('appId: ${APP_ID}', 'ensure: absent');
    expect((await parse(text, { env: { APP_ID: '987654' } })).apps[0]?.appId).toBe(987654);
    expect((await parse(lines('appId: ${APP_ID:-42}', 'ensure: absent'))).apps[0]?.appId).toBe(42);
  });

  it('invalid-app-id when the environment holds no integer', async () => {
    const d = await only(lines('appId: ${APP_ID}', 'ensure: absent'), 'invalid-app-id', { env: { APP_ID: 'abc' } });
    expect(d).toMatchObject({ line: 1, column: 8, path: 'appId' });
  });

  it('undefined-variable for a missing appId variable', async () => {
    const result = await parse(lines('appId: ${APP_ID}', 'ensure: absent'));
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([['undefined-variable', 'appId']]);
  });

  it('a value of the wrong type from a variable gets a hint about the variable, not about how the YAML is written', async () => {
    const d = await only(lines('appId: 1', 'settings:', '  url: https://a.example', '  isReady: ${READY}'), 'invalid-type', { env: { READY: 'yes' } });
    expect(d).toMatchObject({ line: 4, column: 12, path: 'settings.isReady', hint: 'set READY to true or false' });
    expect(d.message).toContain('(from environment variable READY)');
  });

  it('never expands keys', async () => {
    const d = await only(lines('appId: 1', 'ensure: absent', '${KEY}: x'), 'unknown-key', { env: { KEY: 'apiVersion' } });
    expect(d.path).toBe('["${KEY}"]');
  });
});

describe('parseConfigText: semantic rules', () => {
  const withUrl = (url: string) => lines('appId: 1', 'settings:', `  url: ${url}`, '  isReady: true');
  const withNumbers = (...rows: string[]) =>
    lines('appId: 1', 'settings:', '  url: https://a.example', '  isReady: true', 'phoneNumbers:', ...rows);

  it.each(['http://localhost:8080/hook', 'http://127.0.0.1:4010/x', 'http://127.8.9.10/x', 'http://[::1]:9/x', 'https://a.example/x'])(
    'accepts %s',
    async (url) => {
      expect((await parse(withUrl(url))).diagnostics).toEqual([]);
    },
  );

  it.each(['http://example.com/hook', 'http://10.0.0.1/x', 'http://localhost.example.com/x'])('insecure-url for %s', async (url) => {
    expect(await only(withUrl(url), 'insecure-url')).toMatchObject({ line: 3, column: 8, path: 'settings.url' });
  });

  it.each(['/relative/path', 'calls.example.com/hook', 'ftp://a.example/x', '"https://a.example "'])('invalid-url for %s', async (url) => {
    expect(await only(withUrl(url), 'invalid-url')).toMatchObject({ line: 3, column: 8, path: 'settings.url' });
  });

  it.each([
    ['"+1 (415) 555-2671"', '', '+14155552671'],
    ['"(415) 555-2671"', 'US', '+14155552671'],
    ['"0044 20 7946 0958"', '', '+442079460958'],
    ['"14155552671"', '', undefined],
    ['"+4402079460958"', '', '+442079460958'],
  ])('phone-not-e164 for %s (defaultRegion %s) suggests %s', async (value, region, suggestion) => {
    const text = lines(
      'appId: 1',
      ...(region === '' ? [] : [`defaultRegion: ${region}`]),
      'ensure: absent',
      'phoneNumbers:',
      `  - e164PhoneNumber: ${value}`,
      '    friendlyName: Desk',
    );
    const d = await only(text, 'phone-not-e164');
    expect(d).toMatchObject({ severity: 'error', line: region === '' ? 4 : 5, column: 22, path: 'phoneNumbers[0].e164PhoneNumber' });
    if (suggestion === undefined) expect(d.hint).not.toMatch(/write "\+/);
    else expect(d.hint).toBe(`write "${suggestion}"`);
  });

  it.each(['"+1415555267"', '"+999123456789"', '"+4412"'])('phone-impossible for %s', async (value) => {
    const text = withNumbers('  - friendlyName: Desk', `    e164PhoneNumber: ${value}`);
    expect(await only(text, 'phone-impossible')).toMatchObject({ severity: 'error', line: 7, column: 22, path: 'phoneNumbers[0].e164PhoneNumber' });
  });

  it('invalid-unicode for half of a surrogate pair written with a \\u escape, in any string; a whole pair is fine', async () => {
    const text = withNumbers('  - e164PhoneNumber: "+14155552671"', '    friendlyName: "Desk \\uD83D"', '  - e164PhoneNumber: "+14155552672"', '    friendlyName: "Desk \\uD83D\\uDE00"');
    expect(await only(text, 'invalid-unicode')).toMatchObject({ severity: 'error', line: 7, column: 19, path: 'phoneNumbers[0].friendlyName' });
    expect(await only(lines('appId: 1', 'settings:', '  url: "https://a.example/\\uDE00"', '  isReady: true'), 'invalid-unicode')).toMatchObject({ path: 'settings.url' });
  });

  it('phone-not-valid: a warning for a possible but unassigned number (HubSpot’s +18001231234)', async () => {
    const result = await parse(withNumbers('  - e164PhoneNumber: "+18001231234"', '    friendlyName: Desk'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'phone-not-valid', severity: 'warning', line: 6, column: 22, path: 'phoneNumbers[0].e164PhoneNumber' }),
    ]);
    expect(result.apps).toHaveLength(1);
  });

  it('duplicate-phone-number at the second occurrence; another extension is another entry', async () => {
    const text = withNumbers(
      '  - e164PhoneNumber: "+14155552671"',
      '    friendlyName: A',
      '  - e164PhoneNumber: "+14155552671"',
      '    extension: "1"',
      '    friendlyName: B',
      '  - e164PhoneNumber: "+14155552671"',
      '    friendlyName: C',
    );
    const d = await only(text, 'duplicate-phone-number');
    expect(d).toMatchObject({ severity: 'error', line: 11, column: 22, path: 'phoneNumbers[2].e164PhoneNumber' });
    expect(d.message).toContain('phoneNumbers[0]');
  });

  it('duplicate-phone-number for the same number and extension', async () => {
    const text = withNumbers(
      '  - { e164PhoneNumber: "+14155552671", extension: "7", friendlyName: A }',
      '  - { e164PhoneNumber: "+14155552671", extension: "7", friendlyName: B }',
    );
    expect(await only(text, 'duplicate-phone-number')).toMatchObject({ line: 7, column: 24, path: 'phoneNumbers[1].e164PhoneNumber' });
  });

  it('duplicate-phone-number made by an alias is reported at the alias, the second occurrence', async () => {
    const text = withNumbers('  - &n { e164PhoneNumber: "+14155552671", friendlyName: a }', '  - *n');
    expect(await only(text, 'duplicate-phone-number')).toMatchObject({ line: 7, column: 5, path: 'phoneNumbers[1].e164PhoneNumber' });
  });

  it('an unquoted extension is one type error, not also a false duplicate of the same number without one', async () => {
    const text = withNumbers(
      '  - { e164PhoneNumber: "+14155552671", extension: 12, friendlyName: f }',
      '  - { e164PhoneNumber: "+14155552671", friendlyName: g }',
    );
    const { diagnostics } = await parse(text);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path])).toEqual([['invalid-type', 'phoneNumbers[0].extension']]);
  });

  it('phone-extension: a warning at the extension', async () => {
    const text = withNumbers('  - e164PhoneNumber: "+14155552671"', '    extension: "12"', '    friendlyName: Desk');
    expect(await only(text, 'phone-extension')).toMatchObject({ severity: 'warning', line: 7, column: 16, path: 'phoneNumbers[0].extension' });
  });

  it('friendly-name-too-long counts code points, not UTF-16 units', async () => {
    const emoji24 = '😀'.repeat(24); // 48 UTF-16 units, 24 code points
    const ok = await parse(withNumbers('  - e164PhoneNumber: "+14155552671"', `    friendlyName: "${emoji24}"`));
    expect(ok.diagnostics).toEqual([]);
    const long = withNumbers('  - e164PhoneNumber: "+14155552671"', `    friendlyName: "${emoji24}!"`);
    const d = await only(long, 'friendly-name-too-long');
    expect(d).toMatchObject({ severity: 'warning', line: 7, column: 19, path: 'phoneNumbers[0].friendlyName' });
    expect(d.hint).toContain(emoji24);
  });

  it('strict turns every warning into an error and keeps codes', async () => {
    const text = withNumbers('  - e164PhoneNumber: "+18001231234"', '    extension: "1"', '    friendlyName: A name longer than twenty-four');
    const lenient = await parse(text);
    expect(lenient.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['phone-not-valid', 'warning'],
      ['phone-extension', 'warning'],
      ['friendly-name-too-long', 'warning'],
    ]);
    expect(lenient.apps).toHaveLength(1);
    const strict = await parse(text, { strict: true });
    expect(strict.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['phone-not-valid', 'error'],
      ['phone-extension', 'error'],
      ['friendly-name-too-long', 'error'],
    ]);
    expect(strict.apps).toEqual([]);
  });

  it('strict withholds the app of a document whose only finding is a yaml warning', async () => {
    // Found by the property test: `!!float` on a key is yaml's warning, not one of hscc's rules.
    const text = lines('!!float appId: 1', 'ensure: absent');
    expect((await parse(text)).apps).toHaveLength(1);
    const strict = await parse(text, { strict: true });
    expect(strict.diagnostics.map((d) => [d.code, d.severity])).toEqual([['yaml-warning', 'error']]);
    expect(strict.apps).toEqual([]);
  });

  it('reports schema and rule findings of one document together, in position order', async () => {
    const text = lines('appId: 1', 'colour: red', 'settings:', '  url: http://a.example', '  isReady: "yes"');
    const result = await parse(text);
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['unknown-key', 2],
      ['insecure-url', 4],
      ['invalid-type', 5],
    ]);
  });
});
