#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts a CommonJS entry without its ESM
// loader, so `--version`, which CI jobs call often, costs little more than
// `node -e 0`. Everything else runs the bundled CLI (src/cli/start.ts).
'use strict';
const { join } = require('node:path');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // As for every command (src/cli/main.ts): a reader that went away ends
  // quietly; any other write error is one line and exit 1, not a stack trace.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') return;
    process.stderr.write(`error: cannot write to standard output: ${error.code}${error.code === 'ENOSPC' ? ' (no space left on device)' : ''}\n`);
    process.exitCode = 1;
  });
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const bundle = join(__dirname, '..', 'dist', 'bundle');
  require(join(bundle, 'start.cjs')).start(process.argv, join(bundle, 'hscc.cjs'));
}
