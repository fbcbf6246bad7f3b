// Benchmark: `hscc fixtures` on one config of 100,000 numbers against a
// floor that does only the unavoidable work (read + yaml parse +
// libphonenumber-js parse/isPossible/isValid per number in a bare loop).
// Runs the built CLI (npm run build first). Standalone: prints one JSON line.
//   node scripts/bench/fixtures.mjs [--numbers N] [--runs N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);

/** The floor: what any implementation must do, in a bare loop. */
async function floor(file) {
  const { parse } = await import('yaml');
  const { parsePhoneNumberFromString } = await import('libphonenumber-js/max');
  const doc = parse(readFileSync(file, 'utf8'));
  let valid = 0;
  for (const number of doc.phoneNumbers) {
    const parsed = parsePhoneNumberFromString(number.e164PhoneNumber);
    if (parsed !== undefined && parsed.isPossible() && parsed.isValid()) valid++;
  }
  if (valid !== doc.phoneNumbers.length) throw new Error(`floor: ${doc.phoneNumbers.length - valid} invalid numbers`);
}

/** One YAML document with `count` distinct, valid US numbers (+1 415 2xx xxxx). */
function writeConfig(dir, count) {
  const lines = [
    'appId: 1234567',
    'settings:',
    '  url: https://example.com/my-help-desk-service',
    '  isReady: true',
    'phoneNumbers:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(`  - e164PhoneNumber: "+1415${2_000_000 + i * 7}"`, `    friendlyName: Agent line ${i}`);
  }
  const file = join(dir, 'channel-connection.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// Peak RSS of a child, from inside it (portable: no /usr/bin/time needed).
const RSS_PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));`;

function runChild(args, env, rssFile) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
      resolve({ wallMs, maxRssKb: Number(readFileSync(rssFile, 'utf8')) });
    });
  });
}

/**
 * Times `node bin/hscc.js fixtures <file> --out-dir <tmp>` and the floor,
 * alternating, `runs` times each; returns medians and ratios (target ≤ 1.3).
 */
export async function benchFixtures({ numbers = 100_000, runs = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-fixtures-'));
  try {
    const file = writeConfig(dir, numbers);
    const preload = join(dir, 'rss-preload.mjs');
    writeFileSync(preload, RSS_PRELOAD);
    const rssFile = join(dir, 'rss');
    const hscc = [];
    const base = [];
    for (let i = 0; i < runs; i++) {
      // A fresh out dir each run: every run renders and writes the file.
      const outDir = join(dir, `out-${i}`);
      hscc.push(await runChild(['--import', preload, join(root, 'bin', 'hscc.js'), 'fixtures', file, '--out-dir', outDir], { NO_COLOR: '1' }, rssFile));
      base.push(await runChild(['--import', preload, self, '--floor', file], {}, rssFile));
    }
    const fixture = JSON.parse(readFileSync(join(dir, 'out-0', '1234567.json'), 'utf8'));
    if (fixture.phoneNumbers.length !== numbers) throw new Error('the fixture does not hold every number');
    const result = {
      benchmark: 'fixtures',
      numbers,
      runs,
      hscc: { wallMs: round(median(hscc.map((r) => r.wallMs)), 1), maxRssMb: round(median(hscc.map((r) => r.maxRssKb)) / 1024, 1) },
      floor: { wallMs: round(median(base.map((r) => r.wallMs)), 1), maxRssMb: round(median(base.map((r) => r.maxRssKb)) / 1024, 1) },
    };
    result.wallRatio = round(result.hscc.wallMs / result.floor.wallMs, 2);
    result.rssRatio = round(result.hscc.maxRssMb / result.floor.maxRssMb, 2);
    result.target = 1.3;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

if (process.argv[1] === self) {
  if (process.argv[2] === '--floor') {
    await floor(process.argv[3]);
  } else {
    const result = await benchFixtures({ numbers: flag('--numbers', 100_000), runs: flag('--runs', 5) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
