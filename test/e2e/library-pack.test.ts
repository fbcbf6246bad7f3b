// The library as a provider gets it: `npm pack`, installed into a fresh
// project, imported in ESM, type-checked, and loading none of the CLI.
// Needs a build (dist/index.js and dist/index.d.ts). No network: the
// consumer's lockfile is derived from this repo's, so `npm ci --offline`
// takes every dependency from the npm cache that `npm ci` here filled
// (`npm install --offline ./x.tgz` would need registry metadata the cache
// does not hold).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work = '';
let consumer = '';
let tarball = { filename: '', size: 0, files: [] as string[] };

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

beforeAll(() => {
  for (const built of ['dist/index.js', 'dist/index.d.ts']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'hscc-library-pack-'));
  // --ignore-scripts: dist/ is already built; `prepare` would rebuild it mid-test.
  const [packed] = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as {
    filename: string;
    size: number;
    files: { path: string }[];
  }[];
  if (packed === undefined) throw new Error('npm pack printed no result');
  tarball = { filename: packed.filename, size: packed.size, files: packed.files.map((f) => f.path) };

  consumer = join(work, 'consumer');
  const spec = `file:../${packed.filename}`;
  const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const self = rootLock.packages[''] ?? {};
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { 'hubspot-channel-connection': spec } },
    'node_modules/hubspot-channel-connection': { version: '0.1.0', resolved: spec, dependencies: self.dependencies, bin: self.bin },
  };
  for (const [path, entry] of Object.entries(rootLock.packages)) {
    if (path.startsWith('node_modules/') && entry.dev !== true && entry.devOptional !== true && entry.link !== true) packages[path] = entry;
  }
  run('mkdir', ['-p', consumer], work);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { 'hubspot-channel-connection': spec } }));
  writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
  run(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], consumer);
}, 180_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed library', () => {
  it('ships the library entry with its types, and no sources or tests', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/webhook/signature.js', 'dist/webhook/signature.d.ts', 'schemas/webhook-response.schema.json']) {
      expect(tarball.files).toContain(file);
    }
    expect(tarball.files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
    expect(tarball.size).toBeGreaterThan(0);
  });

  it('imports in ESM from a fresh project and works', () => {
    writeFileSync(
      join(consumer, 'use.mjs'),
      `import { verifySignatureV3, signRequestV3, channelConnectionResponse, webhookResponseSchema } from 'hubspot-channel-connection';
const url = 'https://hooks.example.com/hubspot/numbers%3Fv%3D1';
const body = JSON.stringify({ appId: 1, portalId: 2, userId: 3 });
const headers = signRequestV3({ method: 'POST', url, body, clientSecret: 's3cret', timestamp: 1700000000000 });
const good = verifySignatureV3({ method: 'POST', url, body: Buffer.from(body), headers, clientSecret: 's3cret', now: 1700000000000 });
const bad = verifySignatureV3({ method: 'POST', url, body: body + ' ', headers, clientSecret: 's3cret', now: 1700000000000 });
const garbage = verifySignatureV3({ method: 'POST', url: '/relative', body: 42, headers: null, clientSecret: 's3cret' });
const answer = channelConnectionResponse([{ e164PhoneNumber: '+14155552671', friendlyName: 'A name that is longer than twenty-four' }]);
let thrown = '';
try { channelConnectionResponse([{ e164PhoneNumber: 'nope', friendlyName: 'x' }]); } catch (error) { thrown = error.message; }
console.log(JSON.stringify({ good, bad, garbage, answer, thrown, schemaTitle: webhookResponseSchema.title }));
`,
    );
    const result = JSON.parse(run(process.execPath, ['use.mjs'], consumer)) as Record<string, unknown>;
    expect(result).toEqual({
      good: { ok: true },
      bad: { ok: false, reason: 'bad-signature' },
      garbage: { ok: false, reason: 'missing-headers', detail: 'headers must be an object' },
      answer: { phoneNumbers: [{ e164PhoneNumber: '+14155552671', friendlyName: 'A name that is longer th' }] },
      thrown: expect.stringContaining('"nope"'),
      schemaTitle: 'HubSpot channel connection webhook response',
    });
  });

  it('type-checks a TypeScript usage with strict settings, no @types/node and full lib checking', () => {
    writeFileSync(
      join(consumer, 'usage.ts'),
      `import { verifySignatureV3, signRequestV3, channelConnectionResponse, webhookResponseSchema, type SignatureVerdict, type WebhookResponseJson } from 'hubspot-channel-connection';
const headers = signRequestV3({ method: 'POST', url: 'https://x.example/hook', body: '{}', clientSecret: 's' });
const verdict: SignatureVerdict = verifySignatureV3({ method: 'POST', url: 'https://x.example/hook', body: new Uint8Array(), headers, clientSecret: 's', now: 1 });
if (!verdict.ok) {
  const reason: 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' = verdict.reason;
  void reason;
}
const answer: WebhookResponseJson = channelConnectionResponse([{ e164PhoneNumber: '+14155552671', friendlyName: 'x', extension: '1' }]);
const title: unknown = webhookResponseSchema['title'];
// @ts-expect-error: the options are typed, not any
verifySignatureV3({ url: 1 });
// @ts-expect-error: numbers need a friendlyName
channelConnectionResponse([{ e164PhoneNumber: '+14155552671' }]);
void answer; void title;
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023'], types: [], skipLibCheck: false, noEmit: true },
        files: ['usage.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer)).toBe('');
  });

  it('runs the README’s node:http handler as written: 200 with the numbers when signed, 401 otherwise', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /### The library[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    if (block === undefined) throw new Error('no js block under "The library" in README.md');
    expect(block.trim().split('\n')).toHaveLength(17);
    // A free port instead of 8080; nothing else changes (the block defines its own stand-in lookup).
    const program = block.replace('.listen(8080);', '.listen(0, "127.0.0.1", function () { console.log(this.address().port); });');
    writeFileSync(join(consumer, 'handler.mjs'), program);
    const child = spawn(process.execPath, ['handler.mjs'], { cwd: consumer, env: { ...process.env, HUBSPOT_CLIENT_SECRET: 'readme-secret' }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the handler exited ${code}`)));
        createInterface({ input: child.stdout }).once('line', resolve);
      });
      const { signRequestV3 } = (await import(join(consumer, 'node_modules/hubspot-channel-connection/dist/index.js'))) as typeof import('../../src/index.js');
      const body = JSON.stringify({ appId: 1, portalId: 42, userId: 7 });
      const headers = signRequestV3({ method: 'POST', url: 'https://hooks.example.com/hubspot/numbers', body, clientSecret: 'readme-secret' });
      const signed = await fetch(`http://127.0.0.1:${port}/hubspot/numbers`, { method: 'POST', headers, body });
      expect([signed.status, await signed.json()]).toEqual([200, { phoneNumbers: [{ e164PhoneNumber: '+18001231234', friendlyName: 'Support' }] }]);
      const unsigned = await fetch(`http://127.0.0.1:${port}/hubspot/numbers`, { method: 'POST', body });
      expect([unsigned.status, await unsigned.json()]).toEqual([401, { error: 'missing-headers' }]);
    } finally {
      child.removeAllListeners('exit');
      child.kill();
    }
  });

  it('loads no CLI code, no got and no commander', () => {
    const log = join(work, 'loaded.txt');
    writeFileSync(
      join(work, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}
`,
    );
    writeFileSync(join(work, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${join(work, 'hooks.mjs')}`).href)});\n`);
    const report = run(
      process.execPath,
      [
        '--import',
        join(work, 'register.mjs'),
        '--input-type=module',
        '-e',
        `import 'hubspot-channel-connection'; import { createRequire } from 'node:module'; console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`,
      ],
      consumer,
    );
    const loaded = [...readFileSync(log, 'utf8').trim().split('\n'), ...(JSON.parse(report) as string[])];
    const ours = loaded.filter((url) => url.includes('/node_modules/'));
    expect(ours.some((url) => url.endsWith('/hubspot-channel-connection/dist/index.js'))).toBe(true);
    const forbidden = ours.filter((url) => /\/node_modules\/(got|commander|@sindresorhus|yaml|fast-glob|libphonenumber-js|diff)\//.test(url) || /\/hubspot-channel-connection\/(bin|dist\/(cli|commands|bundle|hubspot|config|apply|plan|render|emulator|remote|runtime))\//.test(url));
    expect(forbidden).toEqual([]);
    // Only the library's own modules (the webhook's, and the dependency-free control-character escape) and ajv's runtime helpers.
    const allowed = ours.filter((url) =>
      /\/hubspot-channel-connection\/dist\/(index\.js|webhook\/|control-characters\.js|generated\/webhook-response-validator\.js)|\/node_modules\/ajv\/dist\/runtime\//.test(url),
    );
    expect(ours.filter((url) => !allowed.includes(url))).toEqual([]);
  });
});

