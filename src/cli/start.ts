// Starts the bundled CLI (dist/bundle/hscc.cjs) with V8's code cache; built
// by scripts/bundle.mjs into dist/bundle/start.cjs, which bin/hscc.js requires.
// Node 20 has no compile cache for modules (module.enableCompileCache is
// Node 22), and half of a short command's start-up is V8 compiling the
// functions it runs. vm.Script accepts cached data for a script, including
// the functions compiled while it ran; `npm run build` records one cache per
// command (scripts/bundle.mjs runs each against the emulator) and at run time
// it is only read, never written. V8 rejects a cache made by another V8
// version or with other flags, and the code then compiles as usual.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Commands whose cache scripts/bundle.mjs records; a fixed list, since the name picks a file. */
const CACHED = new Set(['help', 'validate', 'plan', 'apply', 'drift', 'import', 'fixtures', 'serve', 'emulator']);

/** Program-level options that take a separate value (`--timeout 5s plan`). */
const VALUE_OPTIONS = new Set(['--base-url', '--timeout']);

/**
 * The command `args` run, as far as it picks a cache: the first operand, or
 * `help` when there is none. A wrong guess only costs the cache.
 */
export function cacheNameOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (VALUE_OPTIONS.has(arg)) i += 1;
    else if (!arg.startsWith('-')) return CACHED.has(arg) ? arg : undefined;
  }
  return 'help';
}

/**
 * Loads `bundle` (the path of hscc.cjs), runs its `main`, and (when the
 * build asks) records the cache of the command at hand.
 */
export function start(argv: readonly string[], bundle: string): Promise<void> {
  const name = cacheNameOf(argv.slice(2));
  const cacheFile = name === undefined ? undefined : join(dirname(bundle), 'code-cache', `${name}.bin`);
  const record = process.env.HSCC_RECORD_CODE_CACHE === '1' && cacheFile !== undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined && !record) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache for this command (or not built): compile as usual.
    }
  }
  // The bundle is ASCII (scripts/bundle.mjs checks), so latin1 reads it
  // exactly and skips UTF-8 decoding.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'latin1')}\n})`;
  // No importModuleDynamically: the bundle has no import() (scripts/bundle.mjs checks).
  const script = new Script(source, { filename: bundle, cachedData });
  const module = { exports: {} as { main(argv: readonly string[]): Promise<void> } };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const done = module.exports.main(argv);
  if (!record) return done;
  // After the run, so the cache holds every function the command compiled;
  // `serve` and `emulator` run until SIGTERM, so that is when they record.
  let saved = false;
  const save = (): void => {
    if (saved) return;
    saved = true;
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile as string);
  };
  process.prependOnceListener('SIGTERM', save);
  return done.then(save);
}
