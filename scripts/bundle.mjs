// Bundles the CLI into dist/bundle/ and records V8 code caches for it.
// - hscc.cjs: the whole CLI as one CommonJS script. Node 20 spends most of a
//   short command's start-up resolving and compiling modules; one script
//   needs no resolution, and esbuild keeps each command's modules unevaluated
//   until its lazy import runs (so `validate` never initialises got).
// - start.cjs (src/cli/start.ts): runs hscc.cjs through vm.Script with the
//   cache of the command at hand.
// - code-cache/<command>.bin: recorded by running each command once against
//   the emulator (see recordCodeCaches below).
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

// Work that dependencies do for features hscc never uses or only on an
// error path, deferred to first use; and work in their hot loops, done once
// or on V8's fast path instead.
// Each patch names the exact line it replaces, so a dependency update that
// changes it fails the build instead of the run.
const dependencyPatches = [
  {
    // commander needs child_process only for executable subcommands, which
    // hscc does not have; loading it (with net and stream) costs every command.
    file: /commander[\\/]lib[\\/]command\.js$/,
    patches: [
      [
        "const childProcess = require('node:child_process');",
        "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      ],
    ],
  },
  {
    // @sindresorhus/is (got's argument checks) builds two Intl.ListFormat at
    // import, ~12 ms of ICU set-up for the wording of an assertion message.
    file: /@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/,
    patches: ['conjunction', 'disjunction'].map((type) => {
      const name = type === 'conjunction' ? 'andFormatter' : 'orFormatter';
      const options = `{ style: 'long', type: '${type}' }`;
      return [
        `const ${name} = new Intl.ListFormat('en', ${options});`,
        `let ${name}Real; const ${name} = { format: (list) => (${name}Real ??= new Intl.ListFormat('en', ${options})).format(list) };`,
      ];
    }),
  },
  {
    // got builds every request's http.request options as `{ ...cacheOptions,
    // ...unixOptions, <30 more properties> }`. On Node 20's V8 a literal that
    // starts with a non-empty spread defines each later property on a slow
    // path (~80 µs a request, plus the garbage maps). Object.assign gives the
    // same own properties in the same order of precedence.
    file: /got[\\/]dist[\\/]source[\\/]core[\\/]options\.js$/,
    patches: [
      [
        'return {\n            ...internals.cacheOptions,\n            ...this._unixOptions,\n',
        'return Object.assign({}, internals.cacheOptions, this._unixOptions, {\n',
      ],
      ['            h2session: internals.h2session,\n        };\n    }\n', '            h2session: internals.h2session,\n        });\n    }\n'],
    ],
  },
  ...[
    ['parse', 'parser', 'LOG_TOKENS'],
    ['compose', 'composer', 'LOG_STREAM'],
  ].map(([dir, name, variable]) => ({
    // yaml's debug logging reads process.env.LOG_TOKENS for every token (and
    // LOG_STREAM for every document). Each read is a getenv through a C++
    // interceptor: ~45 ms of parsing a 1,000-app file (121,000 tokens). Read once at load;
    // setting the variable still turns the logging on.
    file: new RegExp(`yaml[\\\\/]dist[\\\\/]${dir}[\\\\/]${name}\\.js$`),
    patches: [
      [`if (node_process.env.${variable})`, `if (${variable})`],
      ["var node_process = require('process');", `var node_process = require('process');\nconst ${variable} = node_process.env.${variable};`],
    ],
  })),
];

const patchDependencies = {
  name: 'patch-dependencies',
  setup(build) {
    for (const { file, patches } of dependencyPatches) {
      build.onLoad({ filter: file }, ({ path }) => {
        let contents = readFileSync(path, 'utf8');
        for (const [line, lazy] of patches) {
          if (!contents.includes(line)) throw new Error(`${path} changed; review dependencyPatches in scripts/bundle.mjs`);
          contents = contents.replace(line, lazy);
        }
        return { contents, loader: 'js' };
      });
    }
  },
};

// got imports http2-wrapper at load, which loads node:http2 and builds a TLS
// context with every root certificate (to find Node's JSStreamSocket class):
// 15-40 ms of every `plan`. got reads it only for `http2: true`, which hscc
// never sets; this gives got a stand-in that loads the real module on first use.
const lazyHttp2Wrapper = {
  name: 'lazy-http2-wrapper',
  setup(build) {
    build.onResolve({ filter: /^http2-wrapper$/ }, ({ importer, resolveDir }) =>
      /[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]options\.js$/.test(importer)
        ? { path: 'http2-wrapper', namespace: 'lazy-http2-wrapper', pluginData: { resolveDir } }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-http2-wrapper' }, ({ pluginData }) => {
      const used = readFileSync(join(root, 'node_modules', 'got', 'dist', 'source', 'core', 'options.js'), 'utf8').match(/(?<!`)http2wrapper\.\w+/g) ?? [];
      // Fail the build, not the run, if got starts using another member (doc comments quote it in backticks).
      const unknown = used.filter((member) => member !== 'http2wrapper.auto' && member !== 'http2wrapper.globalAgent');
      if (unknown.length > 0) throw new Error(`got uses ${unknown.join(', ')}; extend lazyHttp2Wrapper in scripts/bundle.mjs`);
      return {
        contents: [
          'let real;',
          "const load = () => (real ??= require('http2-wrapper'));",
          'module.exports = { get auto() { return load().auto; }, get globalAgent() { return load().globalAgent; } };',
        ].join('\n'),
        resolveDir: pluginData.resolveDir,
        loader: 'js',
      };
    });
  },
};

const PHONE_METADATA = 'libphonenumber-metadata.max.json';
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' };

await build({
  ...common,
  plugins: [patchDependencies, lazyHttp2Wrapper],
  entryPoints: { hscc: join(root, 'src', 'cli', 'main.ts') },
  outdir,
  outExtension: { '.js': '.cjs' },
  // Only phone-number.ts reads import.meta (to find the phone metadata copied
  // beside the bundle); a getter, so other commands skip building the URL.
  define: { 'import.meta.url': '__hsccImportMeta.url', HSCC_BUNDLED_PHONE_METADATA: JSON.stringify(`./${PHONE_METADATA}`) },
  // The banner comes before esbuild's own "use strict", so it repeats it:
  // the bundle's modules are ESM and must stay strict.
  banner: { js: "'use strict'; const __hsccImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  // No comments or indentation: a fifth less to read at every start, and
  // plain ASCII (esbuild escapes the rest), which start.ts reads as latin1
  // without UTF-8 decoding. Names stay, so internal-error stacks still say
  // where; the source map has the rest.
  minifyWhitespace: true,
  charset: 'ascii',
  sourcemap: 'linked',
});
// The metadata of the libphonenumber-js version just inlined (src/config/phone-number.ts).
copyFileSync(createRequire(import.meta.url).resolve('libphonenumber-js/metadata.max.json'), join(outdir, PHONE_METADATA));
const bundled = readFileSync(join(outdir, 'hscc.cjs'), 'latin1');
if (!/^[\x00-\x7f]*$/.test(bundled)) throw new Error('dist/bundle/hscc.cjs is not plain ASCII; start.ts reads it as latin1');
// vm.Script runs import() only through an experimental hook: use require.
const dynamicImport = /(?<![\w$.])import\(/.exec(bundled);
if (dynamicImport !== null) throw new Error(`dist/bundle/hscc.cjs has an import() at offset ${dynamicImport.index}; start.ts cannot run it`);
await build({ ...common, entryPoints: { start: join(root, 'src', 'cli', 'start.ts') }, outdir, outExtension: { '.js': '.cjs' } });

await recordCodeCaches();

/**
 * Runs each cached command once with HSCC_RECORD_CODE_CACHE=1, against the
 * emulator and in a temporary directory, so that start.cjs writes the V8
 * code cache of what that command compiled. A command that cannot run here
 * only goes without a cache (a warning, not a failed build).
 */
async function recordCodeCaches() {
  const cli = join(root, 'bin', 'hscc.js');
  const work = mkdtempSync(join(tmpdir(), 'hscc-code-cache-'));
  mkdirSync(join(outdir, 'code-cache'), { recursive: true });
  const apiKey = 'code-cache-developer-key';
  const accessToken = 'code-cache-access-token';
  const emulator = spawn(process.execPath, [cli, 'emulator', '--port', '0', '--api-key', apiKey, '--access-token', accessToken, '--rate-limit', '1000000/1000'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    // Without an emulator, the commands that need one go without a cache.
    const url = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 15_000);
      emulator.once('exit', () => resolve(undefined));
      createInterface({ input: emulator.stdout }).once('line', (line) => {
        clearTimeout(timer);
        resolve(line.trim());
      });
    });
    if (url === undefined) process.stderr.write('bundle: the emulator did not start; only offline commands get a code cache\n');
    copyFileSync(join(root, 'channel-connection.yaml'), join(work, 'channel-connection.yaml'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HSCC_RECORD_CODE_CACHE: '1',
      ...(url === undefined ? {} : { HUBSPOT_API_BASE_URL: url }),
      HUBSPOT_DEVELOPER_API_KEY: apiKey,
      HUBSPOT_ACCESS_TOKEN: accessToken,
    };
    const firstAppId = /^appId:\s*(\d+)/m.exec(readFileSync(join(work, 'channel-connection.yaml'), 'utf8'))?.[1] ?? '1234567';
    const offline = [['--help'], ['validate'], ['fixtures', '--out-dir', join(work, 'fixtures')]];
    const online = [['plan'], ['drift'], ['apply', '--auto-approve'], ['import', '--app-id', firstAppId]];
    for (const args of url === undefined ? offline : [...offline, ...online]) {
      const run = spawnSync(process.execPath, [cli, ...args], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
      if (run.error !== undefined || run.signal !== null) {
        process.stderr.write(`bundle: no code cache for \`hscc ${args[0]}\`: ${run.error?.message ?? run.signal}\n`);
      }
    }
    // Servers record when stopped, once they have printed their first line.
    for (const args of [['emulator', '--port', '0'], ['serve', '--port', '0', '--insecure-skip-verify']]) {
      const server = spawn(process.execPath, [cli, ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'ignore'] });
      const started = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 15_000);
        server.once('exit', () => resolve(false));
        createInterface({ input: server.stdout }).once('line', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!started) process.stderr.write(`bundle: no code cache for \`hscc ${args[0]}\`: it did not start\n`);
      await new Promise((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve();
        server.once('exit', resolve);
        server.kill('SIGTERM');
      });
    }
  } finally {
    emulator.removeAllListeners('exit');
    emulator.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}
