// `validate --json` on random and mutated configs: always exit 0 or 1, and
// one JSON document whose `valid` and diagnostics agree with the exit code.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/commands/validate.js';
import { memoryRuntime } from '../../helpers/memory-runtime.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const SEED = `appId: 1234567
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

/** A mutation of the seed: delete, duplicate or replace a slice with random text. */
const mutated = fc
  .tuple(fc.nat({ max: SEED.length }), fc.nat({ max: 40 }), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(':', '- ', '  ', '"', '${', '&a', '*a', '!!float ', '\n', '\u0007', '---\n')))
  .map(([at, length, text]) => SEED.slice(0, at) + text + SEED.slice(Math.min(SEED.length, at + length)));

let dir: TempDir;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

describe('validate --json, on random and mutated configs', () => {
  it('exits 0 or 1 with one JSON document consistent with the exit code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.string({ maxLength: 200 })), async (text) => {
        writeFileSync(dir.file('c.yaml'), text);
        const runtime = memoryRuntime({ cwd: dir.path });
        const { exitCode } = await runValidate({ json: true, baseUrl: undefined, timeoutMs: 30_000, paths: ['c.yaml'], strict: false }, runtime);
        expect([0, 1]).toContain(exitCode);
        const document = JSON.parse(runtime.out()) as { valid: boolean; errors: { line: number; column: number; code: string }[] };
        expect(document.valid).toBe(exitCode === 0);
        expect(document.errors.length === 0).toBe(exitCode === 0);
        for (const error of document.errors) {
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.column).toBeGreaterThanOrEqual(1);
          expect(error.code).toMatch(/^[a-z][a-z0-9-]*$/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
