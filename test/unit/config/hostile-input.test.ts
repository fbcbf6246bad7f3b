// Environment-dependent values and inputs a new user or an attacker might
// write: typed ${VAR}, aliases, tags, control characters, huge documents.
import { describe, expect, it } from 'vitest';
import { fieldProblem, checkUrl } from '../../../src/config/rules.js';
import { MAX_CONFIG_BYTES, parseConfigText, type ParseConfigOptions } from '../../../src/config/parse-config.js';
import { escapeControlCharacters } from '../../../src/control-characters.js';
import { renderDiagnosticsText } from '../../../src/render/diagnostics-text.js';
import { RESOURCES, type FieldDescriptor } from '../../../src/resources/index.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

async function parse(text: string, options: Partial<ParseConfigOptions> = {}) {
  return parseConfigText(text, 'c.yaml', { env: {}, strict: false, ...options });
}

const CALLING = (overrides: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    name: 'Acme',
    url: 'https://app.acme.example/dialer',
    width: '400',
    height: '600',
    isReady: 'true',
    supportsCustomObjects: 'false',
    supportsInboundCalling: 'true',
    usesCallingWindow: 'true',
    usesRemote: 'false',
    ...overrides,
  };
  return ['calling:', ...Object.entries(fields).map(([key, value]) => `  ${key}: ${value}`)];
};

const field = (resource: string, name: string): FieldDescriptor => {
  const found = RESOURCES.find((r) => r.name === resource)?.fields.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no field ${resource}.${name}`);
  return found;
};

describe('${VAR}: whole scalars typed by the schema', () => {
  it('isReady: ${READY:-true} is a boolean, width: ${W} an integer, appId: ${APP_ID} an integer', async () => {
    const text = lines('appId: ${APP_ID}', 'settings:', '  url: https://a.example', '  isReady: ${READY:-true}', ...CALLING({ width: '${W}', usesRemote: '${REMOTE}' }));
    const result = await parse(text, { env: { APP_ID: '77', W: '320', REMOTE: 'true' } });
    expect(result.diagnostics).toEqual([]);
    const app = result.apps[0];
    expect(app?.appId).toBe(77);
    expect(app?.resources['channel-connection']).toEqual({ ensure: 'present', fields: { url: 'https://a.example', isReady: true } });
    const calling = app?.resources['calling-settings'];
    expect(calling?.ensure === 'present' && [calling.fields.width, calling.fields.usesRemote]).toEqual([320, true]);
    const off = await parse(text, { env: { APP_ID: '77', W: '320', REMOTE: 'false', READY: 'false' } });
    expect(off.apps[0]?.resources['channel-connection']).toEqual({ ensure: 'present', fields: { url: 'https://a.example', isReady: false } });
  });

  it('a string field stays a string even when the text looks like a number', async () => {
    const result = await parse(lines('appId: 1', 'ensure: absent', 'phoneNumbers:', '  - {e164PhoneNumber: "${N}", friendlyName: "${NAME}"}'), {
      env: { N: '+14155552671', NAME: '1234' },
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.apps[0]?.phoneNumbers).toEqual([{ e164PhoneNumber: '+14155552671', friendlyName: '1234' }]);
  });

  it.each([
    ['appId: ${X}', 'appId', 'invalid-app-id', ''],
    ['appId: ${X}', 'appId', 'invalid-app-id', 'abc'],
    ['appId: ${X}', 'appId', 'invalid-app-id', '0'],
  ])('%s with X=%j names X', async (row, path, code, value) => {
    const result = await parse(lines(row, 'ensure: absent'), { env: { X: value } });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code, path, line: 1, column: 8, message: expect.stringContaining('environment variable X') })]);
  });

  it.each([
    ['isReady', 'yes', 'set X to true or false'],
    ['width', '4.5', 'set X to a whole number'],
  ])('calling.%s: ${X} with X=%j hints at the variable: %s', async (name, env, hint) => {
    const result = await parse(lines('appId: 1', ...CALLING({ [name]: '${X}' })), { env: { X: env } });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'invalid-type', path: `calling.${name}`, hint })]);
  });

  it.each([
    ['isReady', '${X}', 'invalid-type', ''],
    ['isReady', '${X}', 'invalid-type', 'yes'],
    ['width', '${X}', 'invalid-type', '4.5'],
    ['width', '${X}', 'invalid-value', '0'],
    ['url', '${X}', 'invalid-value', ''],
    ['url', 'https://${X}/dialer', 'invalid-url', ''],
    ['name', '${X}', 'invalid-value', ''],
  ])('calling.%s: %s with X=%j is %s naming X', async (name, value, code, env) => {
    const result = await parse(lines('appId: 1', ...CALLING({ [name]: value })), { env: { X: env } });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code, path: `calling.${name}`, message: expect.stringContaining('environment variable X') }),
    ]);
  });

  it('expands inside list items and nested blocks (portals, users)', async () => {
    const text = lines(
      'appId: 1',
      'ensure: absent',
      'phoneNumbers:',
      '  - {e164PhoneNumber: "${MAIN}", friendlyName: Main}',
      'portals:',
      '  "42":',
      '    users:',
      '      "7":',
      '        phoneNumbers:',
      '          - {e164PhoneNumber: "${USER_NUMBER}", friendlyName: "${USER_NAME:-Desk}"}',
    );
    const result = await parse(text, { env: { MAIN: '+14155552671', USER_NUMBER: '+442079460958' } });
    expect(result.diagnostics).toEqual([]);
    expect(result.apps[0]?.phoneNumbers[0]?.e164PhoneNumber).toBe('+14155552671');
    expect(result.apps[0]?.portals[0]?.users[0]?.phoneNumbers).toEqual([{ e164PhoneNumber: '+442079460958', friendlyName: 'Desk' }]);
    const missing = await parse(text, { env: { MAIN: '+14155552671' } });
    expect(missing.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['undefined-variable', 'portals["42"].users["7"].phoneNumbers[0].e164PhoneNumber'],
    ]);
  });

  it('$${ stays a literal ${ even where the schema wants a boolean', async () => {
    const result = await parse(lines('appId: 1', 'settings:', '  url: https://a.example/$${X}', '  isReady: $${READY}'), { env: { READY: 'true' } });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([['invalid-type', 'settings.isReady']]);
    expect(result.diagnostics[0]?.message).toContain('"${READY}"');
  });
});

describe('fieldProblem: the rules of every managed field, for config and saved plans', () => {
  it.each([
    ['channel-connection', 'url', 'https://a.example/hook', undefined],
    ['channel-connection', 'url', 'http://127.0.0.1:9/x', undefined],
    ['channel-connection', 'url', 'http://127.0.0.1.evil.example/x', 'insecure-url'],
    ['channel-connection', 'url', 'http://localhost.evil.example/x', 'insecure-url'],
    ['channel-connection', 'url', 'http://public.example/x', 'insecure-url'],
    ['channel-connection', 'url', 'https://a.exa\nmple/x', 'invalid-url'],
    ['channel-connection', 'url', 'javascript:alert(1)', 'invalid-url'],
    ['channel-connection', 'url', 7, 'invalid-type'],
    ['channel-connection', 'isReady', 'true', 'invalid-type'],
    ['channel-connection', 'isReady', false, undefined],
    ['calling-settings', 'width', 1, undefined],
    ['calling-settings', 'width', 0, 'invalid-value'],
    ['calling-settings', 'width', 2.5, 'invalid-type'],
    ['calling-settings', 'height', Number.MAX_SAFE_INTEGER + 2, 'invalid-value'],
    ['calling-settings', 'name', ' ', 'invalid-value'],
    ['calling-settings', 'name', 'Acme', undefined],
    ['recording-settings', 'urlToRetrieveAuthedRecording', 'https://r.example/%s', undefined],
    ['recording-settings', 'urlToRetrieveAuthedRecording', 'https://r.example/x', 'missing-placeholder'],
    ['recording-settings', 'urlToRetrieveAuthedRecording', 'http://r.example/%s', 'insecure-url'],
  ])('%s.%s = %j → %s', (resource, name, value, code) => {
    expect(fieldProblem(field(resource, name), value)?.code).toBe(code);
  });

  it('checkUrl never accepts a non-loopback host over http, however it is spelled', () => {
    for (const host of ['127.0.0.1.evil.example', '127.0.0.1@evil.example', 'evil.example#@127.0.0.1', '[::2]', '128.0.0.1', '0.0.0.0']) {
      expect(checkUrl(`http://${host}/x`)?.code, host).toBeDefined();
    }
    for (const host of ['127.0.0.1', '127.1', 'localhost', '[::1]', '0x7f.0.0.1']) expect(checkUrl(`http://${host}/x`), host).toBeUndefined();
    for (const url of ['https:///dialer', 'https:\\\\a.example/x', 'https:a.example']) expect(checkUrl(url)?.code, url).toBe('invalid-url');
  });
});

describe('YAML oddities', () => {
  it('a single alias to an undefined anchor says so, at the alias', async () => {
    const result = await parse(lines('appId: 1', 'settings:', '  url: *hook', '  isReady: true'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'undefined-alias', line: 3, column: 8, path: 'settings.url', message: 'the alias *hook refers to no anchor' }),
    ]);
  });

  it('50,000 aliases with one undefined among them: found in linear time', async () => {
    const rows = ['appId: 1', 'ensure: absent', 'x: &a 1', 'l:'];
    for (let i = 0; i < 50_000; i++) rows.push('  - *a');
    rows.push('  - *b');
    // A quadratic search would blow the test's timeout, which is the bound.
    const result = await parse(`${rows.join('\n')}\n`);
    expect(result.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([['undefined-alias', 50_005, 'l[50000]']]);
  }, 30_000);

  it('400 KB of unclosed ${A:- in one value: one invalid-reference error, in linear time', async () => {
    const value = '${A:-'.repeat(80_000);
    // A quadratic scan (each `${` reading to the end) would blow the test's timeout, which is the bound.
    const result = await parse(lines('appId: 1', 'settings:', `  url: "${value}"`, '  isReady: true'));
    expect(result.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([['invalid-reference', 3, 'settings.url']]);
  }, 30_000);

  it('a syntax error on a 400 KB line of brackets: one error with its hint, in linear time', async () => {
    const result = await parse(lines('appId: 1', 'ensure: absent', `x: [a]${' [a]'.repeat(100_000)}`));
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['yaml-syntax', 3]]);
    expect(result.diagnostics[0]?.hint).toMatch(/^check the indentation and quoting/);
  }, 30_000);

  it.each([
    ['!!omap', ['portals: !!omap', '  - "42":', '      phoneNumbers:', '        - {e164PhoneNumber: "not a number", friendlyName: Broken}'], 'portals', 'an ordered map'],
    ['!!set', ['portals: {"42": {users: !!set {? "7"}}}'], 'portals["42"].users', 'a set'],
    ['!!binary', ['portals: !!binary aGk='], 'portals', 'binary data'],
    ['a YAML 1.1 date', ['phoneNumbers:', '  - {e164PhoneNumber: "+14155552671", friendlyName: 2001-12-14}'], 'phoneNumbers[0].friendlyName', 'a date'],
  ])('%s is one invalid-type error at its value, never dropped nor read as a plain mapping', async (tag, rows, path, what) => {
    const version = tag === 'a YAML 1.1 date' ? ['%YAML 1.1', '---'] : [];
    const result = await parse(lines(...version, 'appId: 1', 'settings: {url: https://a.example, isReady: true}', ...rows));
    expect(result.apps).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([['invalid-type', path]]);
    expect(result.diagnostics[0]?.message).toContain(`this value is ${what}`);
  });

  it('a long value quoted in a message is cut between characters, never inside an emoji', async () => {
    const result = await parse(lines(`appId: "${'a'.repeat(39)}😀tail"`, 'ensure: absent'));
    const message = result.diagnostics[0]?.message ?? '';
    expect(message).toContain(`"${'a'.repeat(39)}😀…"`);
    expect(message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('a merge key whose source is not a mapping is reported at it, not at the document', async () => {
    const result = await parse(lines('%YAML 1.1', '---', 'appId: &id 1', 'settings:', '  <<: *id', '  url: https://a.example', '  isReady: true'));
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([['yaml-syntax', 5, 7, 'settings["<<"]']]);
    expect(result.diagnostics[0]?.message).toBe('cannot read the YAML: `<<` merges mappings only, and this is not one');
  });

  it('an appId beyond 2^53 is quoted as written, not as the number it rounds to', async () => {
    const result = await parse(lines('appId: 9007199254740993', 'ensure: absent'));
    expect(result.diagnostics.map((d) => d.message)).toEqual(['appId must be a positive integer of at most 2147483647, got the number 9007199254740993']);
  });

  it('a repeated YAML 1.1 merge key is named `<<`, not Symbol(<<)', async () => {
    const result = await parse(lines('%YAML 1.1', '---', 'appId: 1', 'settings:', '  <<: {url: https://a.example}', '  <<: {isReady: true}'));
    expect(result.diagnostics.map((d) => [d.code, d.line, d.path, d.message])).toEqual([['duplicate-key', 6, 'settings["<<"]', 'key `<<` is already defined in this mapping']]);
  });

  it('!!float on appId: the hint says to remove the tag', async () => {
    const result = await parse(lines('appId: !!float 1234567', 'ensure: absent'));
    const error = result.diagnostics.find((d) => d.code === 'invalid-app-id');
    expect(error?.hint).toBe('remove the `!!float` tag: appId: 1234567');
    expect(result.diagnostics.find((d) => d.code === 'yaml-warning')).toMatchObject({ message: expect.stringContaining('`!!float`'), path: 'appId', line: 1, column: 8 });
  });

  it('!!float on e164PhoneNumber: a warning that the tag does not apply, with a hint to remove it', async () => {
    const result = await parse(lines('appId: 1', 'ensure: absent', 'phoneNumbers:', '  - {e164PhoneNumber: !!float +14155552671, friendlyName: A}'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'yaml-warning', severity: 'warning', line: 4, path: 'phoneNumbers[0].e164PhoneNumber', hint: expect.stringContaining('remove the tag') }),
    ]);
  });

  it('!!str on width: the hint says to remove the tag', async () => {
    const result = await parse(lines('appId: 1', ...CALLING({ width: '!!str 400' })));
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'invalid-type', path: 'calling.width', hint: 'remove the `!!str` tag' })]);
  });
});

describe('control characters are shown escaped in every message, hint and path', () => {
  it('escapes C0, C1, DEL and bidi controls, keeps other text', () => {
    expect(escapeControlCharacters('a\u001b[31mb\nc\td\u007f\u009b\u202eé😀')).toBe('a\\x1b[31mb\\nc\\td\\x7f\\x9b\\u202eé😀');
  });

  it('shows invisible characters that would make a changed value look unchanged, and keeps the joiners emoji need', () => {
    expect(escapeControlCharacters('https://example.com/h\u200b')).toBe('https://example.com/h\\u200b');
    expect(escapeControlCharacters('a\u00adb\u2060c\ufeffd\u061ce')).toBe('a\\xadb\\u2060c\\ufeffd\\u061ce');
    expect(escapeControlCharacters('👨\u200d👩\u200d👧 می\u200cخواهم')).toBe('👨\u200d👩\u200d👧 می\u200cخواهم');
  });

  it.each([
    ['an unknown key', lines('appId: 1', 'ensure: absent', '"col\\u001b[2Jour": x')],
    ['a URL', lines('appId: 1', 'settings:', '  url: "http://a.example/\\u001b[2J"', '  isReady: true')],
    ['a phone number', lines('appId: 1', 'ensure: absent', 'phoneNumbers:', '  - {e164PhoneNumber: "+1\\u202e415", friendlyName: A}')],
    ['a friendly name', lines('appId: 1', 'ensure: absent', 'phoneNumbers:', '  - {e164PhoneNumber: "+14155552671", friendlyName: "\\u0007\\u0007\\u0007 a name that is far too long \\u009b"}')],
    ['an enum value', lines('appId: 1', 'ensure: "absent\\r"')],
    ['a portal id', lines('appId: 1', 'ensure: absent', 'portals:', '  "4\\u00082": {}')],
  ])('in %s', async (_name, text) => {
    const { diagnostics } = await parse(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      for (const part of [d.message, d.hint ?? '', d.path]) expect(part).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    }
    expect(renderDiagnosticsText(diagnostics, { color: false })).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('in the file name of the text form', () => {
    const text = renderDiagnosticsText([{ code: 'x', severity: 'error', file: 'a\u001b.yaml', line: 1, column: 1, path: '', message: 'm' }], { color: false });
    expect(text).toBe('error: a\\x1b.yaml:1:1: m\n');
  });
});

describe('huge inputs give diagnostics, never a stack overflow', () => {
  it('130,000 numbers in one app: one duplicate error each, no RangeError', async () => {
    const count = 130_000;
    const rows = ['appId: 1', 'ensure: absent', 'phoneNumbers:'];
    for (let i = 0; i < count; i++) rows.push('  - {e164PhoneNumber: "+14155552671", friendlyName: A}');
    const result = await parse(`${rows.join('\n')}\n`);
    expect(result.apps).toEqual([]);
    expect(result.diagnostics).toHaveLength(count - 1);
    expect(result.diagnostics.every((d) => d.code === 'duplicate-phone-number')).toBe(true);
    expect(result.diagnostics[count - 2]).toMatchObject({ line: count + 3, path: `phoneNumbers[${count - 1}].e164PhoneNumber` });
  }, 120_000);

  it.each([
    ['undefined aliases in a list', (i: number) => `  - *missing${i % 2}`, 'undefined-alias', 'l:'],
    ['duplicate keys in a mapping', () => '  k: 1', 'duplicate-key', 'm:'],
    ['bad portal ids', (i: number) => `  p${i}: {}`, 'invalid-portal-id', 'portals:'],
  ])('50,000 %s are located in well under quadratic time', async (_name, row, code, head) => {
    const rows = ['appId: 1', 'ensure: absent', head];
    for (let i = 0; i < 50_000; i++) rows.push(row(i));
    const started = performance.now();
    const result = await parse(`${rows.join('\n')}\n`);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.diagnostics.filter((d) => d.code === code).length).toBeGreaterThanOrEqual(49_999);
    expect(result.diagnostics[result.diagnostics.length - 1]?.line).toBe(50_003);
  }, 60_000);

  it('a text over the size limit is one file-too-large error, quickly', async () => {
    const started = performance.now();
    const result = await parse(`appId: 1\nensure: absent\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'file-too-large', line: 1, column: 1, path: '', message: expect.stringContaining('too large') })]);
  });
});
