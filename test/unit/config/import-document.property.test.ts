// The import law: what `hscc import` prints, loaded again in any environment,
// declares exactly what HubSpot holds, or its diagnostics say which values
// it cannot declare (and the CLI then exits 1, saying so).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importedDocument } from '../../../src/config/import-document.js';
import { API_VERSIONS, AUTH_MODES, type AppConfig } from '../../../src/config/model.js';
import { parseConfigText } from '../../../src/config/parse-config.js';
import { INT32_MAX, type Fields } from '../../../src/resources/index.js';

// Text as HubSpot may hold it: anything, with what matters to YAML and to `${` expansion made likely.
const tricky = fc.constantFrom('', '   ', '${HOME}', '$${X}', '${A:-d}', 'a: b', '#1', '- x', "'q'", '"dq"', 'yes', 'null', '0x10', '1e3', '~', '\t', 'é', '😀');
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 }), tricky, fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join('')));
const url = fc.oneof(fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }), fc.webUrl({ validSchemes: ['http'] }), text, text.map((t) => `https://calls.example.com/${t}`));
const dimension = fc.oneof(fc.integer({ min: 1, max: INT32_MAX }), fc.integer({ min: -5, max: 0 }), fc.constant(INT32_MAX + 1));

const calling: fc.Arbitrary<Fields> = fc.record({
  name: text,
  url,
  width: dimension,
  height: dimension,
  isReady: fc.boolean(),
  supportsCustomObjects: fc.boolean(),
  supportsInboundCalling: fc.boolean(),
  usesCallingWindow: fc.boolean(),
  usesRemote: fc.boolean(),
});
const recording: fc.Arbitrary<Fields> = fc.record({ urlToRetrieveAuthedRecording: fc.oneof(url, url.map((u) => `${u}/%s`)) });
const connection: fc.Arbitrary<Fields> = fc.record({ url, isReady: fc.boolean() });

const remoteApp = fc
  .record({
    appId: fc.integer({ min: 1, max: INT32_MAX }),
    apiVersion: fc.constantFrom(...API_VERSIONS),
    auth: fc.constantFrom(...AUTH_MODES),
    calling: fc.option(calling, { nil: undefined }),
    recording: fc.option(recording, { nil: undefined }),
    connection: fc.option(connection, { nil: undefined }),
  })
  .filter((app) => app.calling !== undefined || app.recording !== undefined || app.connection !== undefined)
  .map((app): Pick<AppConfig, 'appId' | 'apiVersion' | 'auth' | 'resources'> => ({
    appId: app.appId,
    apiVersion: app.apiVersion,
    auth: app.auth,
    resources: {
      ...(app.calling === undefined ? {} : { 'calling-settings': { ensure: 'present' as const, fields: app.calling } }),
      ...(app.recording === undefined ? {} : { 'recording-settings': { ensure: 'present' as const, fields: app.recording } }),
      ...(app.connection === undefined ? {} : { 'channel-connection': { ensure: 'present' as const, fields: app.connection } }),
    },
  }));

const env = fc.dictionary(fc.constantFrom('HOME', 'X', 'A'), fc.string({ maxLength: 10 }));

describe('importedDocument', () => {
  it('loads back as exactly what HubSpot holds, in any environment, or says where it cannot', async () => {
    let declared = 0;
    await fc.assert(
      fc.asyncProperty(remoteApp, env, async (app, environment) => {
        const { yaml } = importedDocument(app, []);
        const parsed = await parseConfigText(yaml, '(import)', { env: environment, strict: false });
        const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length === 0) {
          declared += 1;
          expect(parsed.apps).toHaveLength(1);
          const [loaded] = parsed.apps as [AppConfig];
          expect({ appId: loaded.appId, apiVersion: loaded.apiVersion, auth: loaded.auth, resources: loaded.resources }).toEqual(app);
          return;
        }
        // Each error points into the printed document, at a value of a resource block.
        const lines = yaml.split('\n').length;
        for (const error of errors) {
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.line).toBeLessThanOrEqual(lines);
          expect(error.path).toMatch(/^(calling|recording|settings)\./);
        }
      }),
      { numRuns: 300 },
    );
    // The law was exercised on both sides, not only on refusals.
    expect(declared).toBeGreaterThan(10);
  });
});
