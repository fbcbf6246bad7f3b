#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts a CommonJS entry without its ESM
// loader, so `--version`, which CI jobs call often, costs little more than
// `node -e 0`. Everything else runs the bundled CLI (src/cli/start.cts).
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  require('../dist/bundle/start.cjs').start(process.argv);
}
