// The built CLI against hostile servers on 127.0.0.1, as users meet it:
// - give-up time of `hscc plan` against a host that accepts connections and
//   never answers, with default flags, for 1 app and for 50 (DESIGN.md bounds
//   them at 60 s and 90 s);
// - wall time and peak RSS of `hscc plan` against a 2 GiB answer and an
//   endless chunked answer, against `node -e 0`'s peak RSS in the same run.
// Usage: node scripts/bench/hostile.mjs [--timeout 30s] [--only dead|bodies]
// (needs a build: `npm ci` or `npm run build`; GNU time at /usr/bin/time).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'hscc.js');
const KEY = 'bench-hostile-developer-key-0000';

async function hostileServerModule() {
  // Inside node_modules so the bundle's bare imports resolve from the repo.
  const outdir = join(root, 'node_modules', '.cache', 'hscc-bench-hostile');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { 'hostile-server': join(root, 'test', 'helpers', 'hostile-server.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(join(outdir, 'hostile-server.mjs')).href);
}

/** Runs a command under GNU time: wall seconds, peak RSS (KiB), exit code, output. */
function timed(args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@%e %M', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', () => {
      const match = /@@([\d.]+) (\d+)\s*$/.exec(stderr);
      const code = /Command exited with non-zero status (\d+)/.exec(stderr);
      resolve({ seconds: Number(match?.[1]), peakKiB: Number(match?.[2]), code: code === null ? 0 : Number(code[1]), stdout, stderr });
    });
  });
}

function config(dir, count) {
  const docs = Array.from({ length: count }, (_, i) => `appId: ${i + 1}\nsettings:\n  url: https://calls.example.com/${i + 1}\n  isReady: true\nphoneNumbers: []\n`);
  const file = join(dir, `apps-${count}.yaml`);
  writeFileSync(file, docs.join('---\n'));
  return file;
}

/** Runs the hostile-server suite; every figure comes from the built CLI. */
export async function benchHostile({ timeout, only } = {}) {
  const { startHostileServer } = await hostileServerModule();
  const dir = mkdtempSync(join(tmpdir(), 'hscc-bench-hostile-'));
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HUBSPOT_DEVELOPER_API_KEY: KEY, NO_COLOR: '1' };
  const flags = timeout === undefined ? [] : ['--timeout', timeout];
  const results = {};
  try {
    const baseline = await timed([process.execPath, '-e', '0'], { cwd: dir, env });
    results.nodeBaselinePeakMiB = Math.round(baseline.peakKiB / 1024);
    if (only !== 'dead') {
      for (const mode of ['huge-body', 'endless-chunked']) {
        const server = await startHostileServer(mode);
        const run = await timed([process.execPath, cli, 'plan', config(dir, 1), '--json', '--base-url', server.url, ...flags], { cwd: dir, env });
        await server.close();
        results[mode] = {
          exitCode: run.code,
          seconds: run.seconds,
          peakMiB: Math.round(run.peakKiB / 1024),
          peakVsNode: Number((run.peakKiB / baseline.peakKiB).toFixed(2)),
          message: JSON.parse(run.stdout || '{}').error?.message?.split('\n')[1]?.trim(),
        };
      }
    }
    if (only !== 'bodies') {
      for (const [count, bound] of [
        [1, 60],
        [50, 90],
      ]) {
        const server = await startHostileServer('never-answer');
        const run = await timed([process.execPath, cli, 'plan', config(dir, count), '--json', '--base-url', server.url, ...flags], { cwd: dir, env });
        await server.close();
        results[`neverAnswer${count}`] = {
          exitCode: run.code,
          seconds: run.seconds,
          bound,
          withinBound: run.seconds <= bound,
          requestsSent: server.requests.length,
          notAttempted: (run.stdout.match(/not attempted/g) ?? []).length > 0,
        };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { timeout: { type: 'string' }, only: { type: 'string' } } });
  console.log(JSON.stringify(await benchHostile(values), null, 2));
}
