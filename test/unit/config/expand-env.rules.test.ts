// Rules of `${VAR}` expansion in config values, through expandEnv only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeEnvReferences, expandEnv, INVALID_REFERENCE_HINT } from '../../../src/config/expand-env.js';

describe('expandEnv: where references expand', () => {
  it('${VAR} inside a list item expands', () => {
    const { value, findings } = expandEnv({ phoneNumbers: [{ e164PhoneNumber: '${NUMBER}' }, '${NAME}'] }, { NUMBER: '+15551230000', NAME: 'n' });
    expect(value).toEqual({ phoneNumbers: [{ e164PhoneNumber: '+15551230000' }, 'n'] });
    expect(findings).toEqual([]);
  });

  it('in nested mappings and lists at any depth, several per string', () => {
    const { value } = expandEnv({ a: { b: [[{ c: 'x${A}y${B}z' }]] } }, { A: '1', B: '2' });
    expect(value).toEqual({ a: { b: [[{ c: 'x1y2z' }]] } });
  });

  it('never in keys', () => {
    const { value } = expandEnv({ '${KEY}': 'v' }, { KEY: 'k' });
    expect(value).toEqual({ '${KEY}': 'v' });
  });

  it('non-string values stay as they are', () => {
    const input = { n: 1, t: true, z: null, u: undefined, list: [2, false, null, undefined] };
    expect(expandEnv(input, { A: '1' }).value).toEqual(input);
  });

  it('the value of a variable is not expanded again', () => {
    expect(expandEnv({ a: '${A}' }, { A: '${B}', B: 'no' }).value).toEqual({ a: '${B}' });
  });

  it('a top-level string expands', () => {
    expect(expandEnv('${A}', { A: 'top' }).value).toBe('top');
  });
});

describe('expandEnv: defaults and literals', () => {
  it('${VAR:-default} uses the default when VAR is unset or empty, VAR otherwise', () => {
    const input = { a: '${A:-fallback}' };
    expect(expandEnv(input, {}).value).toEqual({ a: 'fallback' });
    expect(expandEnv(input, { A: '' }).value).toEqual({ a: 'fallback' });
    expect(expandEnv(input, { A: 'set' }).value).toEqual({ a: 'set' });
    expect(expandEnv({ a: '${A:-}' }, {}).value).toEqual({ a: '' });
    expect(expandEnv(input, {}).findings).toEqual([]);
  });

  it('${VAR} set to the empty string expands to nothing, without an error', () => {
    const result = expandEnv({ a: 'x${A}y' }, { A: '' });
    expect(result.value).toEqual({ a: 'xy' });
    expect(result.findings).toEqual([]);
  });

  it('$${ writes a literal ${', () => {
    const result = expandEnv({ a: 'cost: $${A} and ${A}' }, { A: '5' });
    expect(result.value).toEqual({ a: 'cost: ${A} and 5' });
    expect(result.findings).toEqual([]);
  });

  it('a $ without { is plain text', () => {
    const input = { a: '$A costs $5', b: 'plain +15551230000' };
    const result = expandEnv(input, { A: 'no' });
    expect(result.value).toEqual(input);
    expect(result.findings).toEqual([]);
    expect([...result.variablesAt.keys()]).toEqual([]);
  });

  it.each(['${1X}', '${}', '${A', '${A-x}', '${A:?must be set}', '${A:-${B}}', 'x ${A} ${'])(
    '%s starts no reference hscc understands: an error, the string left as written',
    (text) => {
      const result = expandEnv({ a: text }, { A: 'set', B: 'set' });
      expect(result.value).toEqual({ a: text });
      expect(result.findings.map((finding) => [finding.code, finding.severity, finding.segments])).toEqual([['invalid-reference', 'error', ['a']]]);
      expect(result.findings[0]?.hint).toBe(INVALID_REFERENCE_HINT);
      expect([...result.failedPaths]).toEqual(['a']);
    },
  );
});

describe('expandEnv: an unset variable', () => {
  it('is one undefined-variable error per variable, at the string’s path, naming it', () => {
    const result = expandEnv({ phoneNumbers: [{ e164PhoneNumber: '${MISSING_ONE}-${MISSING_TWO}' }] }, {});
    expect(result.findings.map((f) => [f.code, f.severity, f.at, f.segments])).toEqual([
      ['undefined-variable', 'error', 'value', ['phoneNumbers', 0, 'e164PhoneNumber']],
      ['undefined-variable', 'error', 'value', ['phoneNumbers', 0, 'e164PhoneNumber']],
    ]);
    expect(result.findings[0]?.message).toContain('MISSING_ONE');
    expect(result.findings[1]?.message).toContain('MISSING_TWO');
    expect(result.findings[0]?.hint).toContain('MISSING_ONE');
  });

  it('leaves the whole string as written, even its expandable parts', () => {
    const result = expandEnv({ a: '${SET}/${UNSET}' }, { SET: 'yes' });
    expect(result.value).toEqual({ a: '${SET}/${UNSET}' });
  });

  it('marks its path failed; every string holding a reference names its variables', () => {
    const result = expandEnv({ settings: { url: '${UNSET}', name: '${SET}-${SET2:-d}', plain: 'x' }, list: ['${SET}'] }, { SET: 'yes' });
    expect([...result.failedPaths]).toEqual(['settings.url']);
    expect(Object.fromEntries(result.variablesAt)).toEqual({
      'list[0]': ['SET'],
      'settings.name': ['SET', 'SET2'],
      'settings.url': ['UNSET'],
    });
  });
});

describe('expandEnv: never mutates its input', () => {
  it('returns new objects along changed paths and shares untouched subtrees', () => {
    const untouched = { deep: ['a', { b: 'c' }] };
    const input = { changed: { list: ['keep', '${A}'] }, untouched };
    const snapshot = structuredClone(input);
    const { value } = expandEnv(input, { A: 'new' }) as { value: typeof input };
    expect(input).toEqual(snapshot);
    expect(value.changed.list).toEqual(['keep', 'new']);
    expect(value).not.toBe(input);
    expect(value.changed.list).not.toBe(input.changed.list);
    expect(value.untouched).toBe(untouched);
  });

  it('returns the very input when nothing expands', () => {
    const input = { a: ['x', { b: 'y' }], c: 'z' };
    expect(expandEnv(input, { A: '1' }).value).toBe(input);
  });
});

describe('expandEnv: a whole-scalar reference takes the schema’s type', () => {
  const at = (type: 'boolean' | 'integer' | 'string') => () => type;

  it('true and false become booleans where a boolean is expected; other text stays text', () => {
    expect(expandEnv({ a: '${A}' }, { A: 'true' }, at('boolean')).value).toEqual({ a: true });
    expect(expandEnv({ a: '${A}' }, { A: 'false' }, at('boolean')).value).toEqual({ a: false });
    expect(expandEnv({ a: '${A}' }, { A: 'yes' }, at('boolean')).value).toEqual({ a: 'yes' });
    expect(expandEnv({ a: '${A:-true}' }, {}, at('boolean')).value).toEqual({ a: true });
  });

  it('decimal integers of up to 16 digits become numbers where an integer is expected', () => {
    expect(expandEnv({ a: '${A}' }, { A: '42' }, at('integer')).value).toEqual({ a: 42 });
    expect(expandEnv({ a: '${A}' }, { A: '-7' }, at('integer')).value).toEqual({ a: -7 });
    expect(expandEnv({ a: '${A}' }, { A: '1'.repeat(16) }, at('integer')).value).toEqual({ a: 1111111111111111 });
    for (const text of ['4.2', '1'.repeat(17), ' 42', '42 ', '0x10', '']) {
      expect(expandEnv({ a: '${A}' }, { A: text }, at('integer')).value, JSON.stringify(text)).toEqual({ a: text });
    }
  });

  it('where a string is expected, digits and true stay strings', () => {
    expect(expandEnv({ a: '${A}', b: '${B}' }, { A: '42', B: 'true' }, at('string')).value).toEqual({ a: '42', b: 'true' });
  });

  it('a reference inside longer text is never typed', () => {
    expect(expandEnv({ a: '${A}${B}' }, { A: '4', B: '2' }, at('integer')).value).toEqual({ a: '42' });
    expect(expandEnv({ a: 'x${A}' }, { A: '1' }, at('integer')).value).toEqual({ a: 'x1' });
  });

  it('the type is looked up at the string’s own path', () => {
    const seen: unknown[] = [];
    expandEnv({ list: [{ n: '${A}' }] }, { A: '1' }, (segments) => {
      seen.push([...segments]);
      return 'integer';
    });
    expect(seen).toEqual([['list', 0, 'n']]);
  });
});

describe('escapeEnvReferences: text read back literally', () => {
  // Strings built from the pieces of references and escapes, so `${A}`, `${B:-x}` and `$${` occur often.
  const text = fc.array(fc.constantFrom('${', '$', '{', '}', ':-', 'A', 'B', '_1', ' ', 'é'), { maxLength: 10 }).map((pieces) => pieces.join(''));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(text, tie('node'), { maxKeys: 3 })),
  })).node;
  const env = fc.dictionary(fc.constantFrom('A', 'B', 'A_1', 'B1'), fc.oneof(text, fc.constant('')));

  it('expanding the escaped value in any environment gives the value back, with no finding', () => {
    fc.assert(
      fc.property(value, env, (original, variables) => {
        const { value: back, findings } = expandEnv(escapeEnvReferences(original), variables);
        expect(back).toEqual(original);
        expect(findings).toEqual([]);
      }),
    );
  });

  it('escapes values, never keys', () => {
    expect(escapeEnvReferences({ '${K}': ['${A}', 'a$${b', 7], name: 'x${HOME}' })).toEqual({ '${K}': ['$${A}', 'a$$${b', 7], name: 'x$${HOME}' });
  });
});
