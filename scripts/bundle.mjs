// Bundles the CLI into dist/bundle/, one chunk graph split per command.
// Node 20 spends most of `hscc validate`'s start-up resolving and compiling
// hundreds of small ESM files (yaml, libphonenumber-js, commander); a bundle
// loads in about half the time. Commands stay lazily loaded chunks, so
// `validate` still never loads got.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // CommonJS dependencies (commander, got's helpers) call require().
  banner: { js: "import { createRequire as __hsccCreateRequire } from 'node:module'; const require = __hsccCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
