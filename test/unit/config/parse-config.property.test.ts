// Property: whatever text it is given, parseConfigText never throws, every
// diagnostic has a position and a code, and a one-document text yields no app
// exactly when it has an error (several documents: no error ⇒ apps, no app ⇒
// an error).
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/commands/validate.js';
import { parseConfigText } from '../../../src/config/parse-config.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir } from '../../helpers/temp-dir.js';

const VALID = [
  'appId: 1234567\nsettings:\n  url: https://calls.example.com/hook\n  isReady: true\nphoneNumbers:\n  - e164PhoneNumber: "+14155552671"\n    friendlyName: Support\n',
  'appId: 42\ncalling:\n  name: Acme\n  url: https://a.example/d\n  width: 400\n  height: 600\n  isReady: true\n  supportsCustomObjects: false\n  supportsInboundCalling: true\n  usesCallingWindow: true\n  usesRemote: false\nrecording:\n  urlToRetrieveAuthedRecording: https://r.example/%s\n',
  'appId: ${APP_ID:-7}\napiVersion: "2026-09"\nauth: access-token\nensure: absent\nportals:\n  "42":\n    phoneNumbers: [{e164PhoneNumber: "+442079460958", friendlyName: London}]\n    users:\n      "7": {phoneNumbers: []}\n',
];

// Pieces that are likely to break a parser or a rule when spliced in.
const PIECES = [
  '\n', ':', ': ', '- ', '  ', '"', "'", '{', '}', '[', ']', '&a ', '*a', '!!float ', '!!str ', '${X}', '$${', '${', '#', '---\n',
  'ensure: absent\n', 'calling:\n  ensure: absent\n', 'recording: {}\n', '\u001b', '\u202e', '\t', '0', '-1', 'true', '~', '%s',
  'portals: {x: {}}\n', 'appId: 1\n', 'http://127.0.0.1.evil.example', '\u0000', '😀',
];

/** A valid config with random pieces inserted at random places, or pure noise. */
const configText = fc.oneof(
  fc.tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...PIECES), fc.nat(3)), { maxLength: 6 })).map(([base, edits]) => {
    let text = base;
    for (const [at, piece, drop] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + piece + text.slice(i + drop);
    }
    return text;
  }),
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((pieces) => pieces.join('')),
);

/** The richest valid config (all three blocks, portals, users, a default expansion), cut, doubled or spliced with random text. */
const RICH = `appId: 1234567
calling:
  name: Acme Phone
  url: https://app.acme.example/dialer
  width: 400
  height: 600
  isReady: true
  supportsCustomObjects: false
  supportsInboundCalling: true
  usesCallingWindow: true
  usesRemote: true
recording:
  urlToRetrieveAuthedRecording: https://api.acme.example/recordings/%s
settings:
  url: \${WEBHOOK_URL:-https://calls.example.com/hook}
  isReady: true
phoneNumbers:
  - e164PhoneNumber: "+14155552671"
    friendlyName: Support
portals:
  "42":
    users:
      "7":
        phoneNumbers:
          - e164PhoneNumber: "+442079460958"
            friendlyName: Direct
`;
const richMutation = fc
  .tuple(fc.nat({ max: RICH.length }), fc.nat({ max: 40 }), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(':', '- ', '  ', '"', '${', '&a', '*a', '!!float ', '\n', '\u0007', '---\n')))
  .map(([at, length, text]) => RICH.slice(0, at) + text + RICH.slice(Math.min(RICH.length, at + length)));

const ENV = fc.record({ X: fc.constantFrom('', 'true', '12', 'abc', '${Y}'), APP_ID: fc.constantFrom('', '9', 'x') }, { requiredKeys: [] });

describe('parseConfigText on random and mutated configs', () => {
  it('never throws; every diagnostic has a line ≥ 1, a column ≥ 1 and a code; apps only without errors', async () => {
    await fc.assert(
      fc.asyncProperty(configText, ENV, fc.boolean(), async (text, env, strict) => {
        const result = await parseConfigText(text, 'c.yaml', { env, strict });
        for (const d of result.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.code).toMatch(/^[a-z][a-z0-9-]*$/);
          expect(d.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        }
        const hasError = result.diagnostics.some((d) => d.severity === 'error');
        if (!hasError) expect(result.apps.length).toBeGreaterThan(0);
        if (result.apps.length === 0) expect(hasError).toBe(true);
        // Valid apps may stand beside an invalid document of the same file.
        if (!/^(---|\.\.\.)/m.test(text)) expect(result.apps.length === 0).toBe(hasError);
      }),
      { numRuns: 400 },
    );
  });

  it('the valid seeds are valid', async () => {
    for (const text of VALID) expect((await parseConfigText(text, 'c.yaml', { env: {}, strict: true })).diagnostics).toEqual([]);
  });
});

describe('validate --json on random and mutated configs', () => {
  it('exits 0 or 1 with one JSON document consistent with its exit code', async () => {
    const dir = tempDir();
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(configText, richMutation), async (text) => {
          writeFileSync(dir.file('c.yaml'), text);
          const runtime = memoryRuntime({ cwd: dir.path, env: {} });
          const { exitCode } = await runValidate({ json: true, baseUrl: undefined, timeoutMs: 30_000, paths: ['c.yaml'], strict: false }, runtime);
          const document = JSON.parse(runtime.out()) as { valid: boolean; errors: { line: number; column: number; code: string }[]; warnings: unknown[]; apps: number };
          expect(runtime.err()).toBe('');
          expect([0, 1]).toContain(exitCode);
          expect(exitCode).toBe(document.valid ? 0 : 1);
          expect(document.valid).toBe(document.errors.length === 0);
          expect(document.apps === 0).toBe(!document.valid);
          for (const error of document.errors) {
            expect(error.line).toBeGreaterThanOrEqual(1);
            expect(error.column).toBeGreaterThanOrEqual(1);
            expect(error.code).toMatch(/^[a-z][a-z0-9-]*$/);
          }
        }),
        { numRuns: 300 },
      );
    } finally {
      dir.remove();
    }
  });
});
