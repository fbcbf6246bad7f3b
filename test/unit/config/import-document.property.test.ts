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
const tricky = fc.constantFrom('', '   ', '${HOME}', '$${X}', '${A:-d}', 'a: b', '#1', '- x', "'q'", '"dq"', 'yes', 'null', '0x10', '1e3', '~', '\t', 'é', '😀', '\u007f', '\u0085', '\u009b', '\u2028', '\u202e', '\u001b', '\\u202e');
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 }), tricky, fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join('')));
const url = fc.oneof(fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }), fc.webUrl({ validSchemes: ['http'] }), text, text.map((t) => `https://calls.example.com/${t}`));
const dimension = fc.oneof(fc.integer({ min: 1, max: INT32_MAX }), fc.integer({ min: -5, max: 0 }), fc.constant(INT32_MAX + 1));

// Values every rule accepts: text that is not blank (YAML- and `${`-looking included), https URLs, int32 sizes.
const goodText = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), tricky, fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join(''))).filter((t) => t.trim() !== '');
const goodUrl = fc.oneof(fc.webUrl({ validSchemes: ['https'] }), fc.stringMatching(/^[a-z0-9$_{}-]{1,20}$/).map((path) => `https://calls.example.com/${path}`));

const callingOf = (name: fc.Arbitrary<string>, link: fc.Arbitrary<string>, size: fc.Arbitrary<number>): fc.Arbitrary<Fields> =>
  fc.record({
    name,
    url: link,
    width: size,
    height: size,
    isReady: fc.boolean(),
    supportsCustomObjects: fc.boolean(),
    supportsInboundCalling: fc.boolean(),
    usesCallingWindow: fc.boolean(),
    usesRemote: fc.boolean(),
  });

const remoteAppOf = (calling: fc.Arbitrary<Fields>, recording: fc.Arbitrary<Fields>, connection: fc.Arbitrary<Fields>) => fc
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

const remoteApp = remoteAppOf(
  callingOf(text, url, dimension),
  fc.record({ urlToRetrieveAuthedRecording: fc.oneof(url, url.map((u) => `${u}/%s`)) }),
  fc.record({ url, isReady: fc.boolean() }),
);
const acceptedApp = remoteAppOf(
  callingOf(goodText, goodUrl, fc.integer({ min: 1, max: INT32_MAX })),
  fc.record({ urlToRetrieveAuthedRecording: goodUrl.map((u) => `${u}/%s`) }),
  fc.record({ url: goodUrl, isReady: fc.boolean() }),
);

const env = fc.dictionary(fc.constantFrom('HOME', 'X', 'A'), fc.string({ maxLength: 10 }));

/** The app the printed document declares, loaded in `environment`, and the errors found loading it. */
async function loadBack(app: Pick<AppConfig, 'appId' | 'apiVersion' | 'auth' | 'resources'>, environment: Record<string, string>) {
  const { yaml } = importedDocument(app);
  const parsed = await parseConfigText(yaml, '(import)', { env: environment, strict: false });
  const [loaded] = parsed.apps;
  return {
    yaml,
    errors: parsed.diagnostics.filter((d) => d.severity === 'error'),
    declared: loaded === undefined ? undefined : { appId: loaded.appId, apiVersion: loaded.apiVersion, auth: loaded.auth, resources: loaded.resources },
  };
}

describe('importedDocument', () => {
  it('values every rule accepts load back exactly, in any environment', async () => {
    await fc.assert(
      fc.asyncProperty(acceptedApp, env, async (app, environment) => {
        const { errors, declared } = await loadBack(app, environment);
        expect(errors).toEqual([]);
        expect(declared).toEqual(app);
      }),
      { numRuns: 200 },
    );
  });

  it('any values load back exactly, or the errors point into the document at a resource value', async () => {
    await fc.assert(
      fc.asyncProperty(remoteApp, env, async (app, environment) => {
        const { yaml, errors, declared } = await loadBack(app, environment);
        // YAML 1.2 refuses DEL and C1 raw, and no control or bidi character reaches a terminal raw.
        expect(yaml).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        if (errors.length === 0) {
          expect(declared).toEqual(app);
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
  });
});
