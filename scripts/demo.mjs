// The quick start's main job, with no HubSpot account: starts the embedded
// emulator, then validate → plan → apply → plan (no changes) → fixtures →
// serve + probe on channel-connection.yaml. Leaves no process behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'hscc.js');
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text) => (tty ? `\u001b[1m${text}\u001b[22m` : text);

const children = new Set();
const workDir = mkdtempSync(join(tmpdir(), 'hscc-demo-'));

/** A free loopback port, so the config's webhook URL is known before serve starts. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a long-running hscc command and resolves with its first stdout line
 * (its base URL). Its access log is shown only if it fails to start.
 */
function startService(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('exit', (code) => {
      children.delete(child);
      reject(new Error(`hscc ${args[0]} exited before it was ready (${code}):\n${stderr}`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, url: line.trim() }));
  });
}

function stopService(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs one step with inherited output; `expected` lists the acceptable exit codes. */
function step(title, args, env, expected = [0]) {
  process.stdout.write(`\n${bold(`▶ ${title}`)}\n${bold(`$ hscc ${args.join(' ')}`)}\n\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => {
      if (expected.includes(code)) resolve(code);
      else reject(new Error(`step "${title}" exited with ${code} (expected ${expected.join(' or ')})`));
    });
  });
}

async function main() {
  const webhookPort = await freePort();
  const env = {
    ...process.env,
    // Demo credentials: the emulator accepts these; nothing here is a real secret.
    HUBSPOT_DEVELOPER_API_KEY: 'demo-developer-api-key',
    HUBSPOT_ACCESS_TOKEN: 'demo-access-token',
    HUBSPOT_CLIENT_SECRET: 'demo-client-secret',
    WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/hubspot/channel-connection`,
  };
  delete env.GITHUB_STEP_SUMMARY;

  const emulator = await startService(['emulator', '--port', '0'], env);
  env.HUBSPOT_API_BASE_URL = emulator.url;
  process.stdout.write(`${bold('HubSpot emulator')} listening on ${emulator.url} (HUBSPOT_API_BASE_URL)\n`);

  await step('Validate the configuration (offline)', ['validate', '--strict'], env);
  await step('Plan against the emulator (GET only)', ['plan', '--detailed-exitcode'], env, [2]);
  await step('Apply the plan', ['apply', '--auto-approve'], env);
  await step('Plan again: nothing left to do', ['plan', '--detailed-exitcode'], env, [0]);
  const fixturesDir = join(workDir, 'fixtures');
  await step('Generate webhook fixtures', ['fixtures', '--out-dir', fixturesDir], env);
  await step('Check the fixtures are current', ['fixtures', '--out-dir', fixturesDir, '--check'], env);

  const webhook = await startService(['serve', '--port', String(webhookPort)], env);
  process.stdout.write(`\n${bold('Webhook')} serving the fixtures on ${webhook.url}, verifying HubSpot signatures\n`);
  await step('Probe the live webhook as HubSpot would', ['probe'], env);
  await step('Drift check, settings and webhook numbers', ['drift', '--probe'], env, [0]);

  process.stdout.write(`\n${bold('Demo complete.')} Every step ran against the local emulator; no HubSpot account was used.\n`);
}

async function cleanup() {
  await Promise.all([...children].map(stopService));
  rmSync(workDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

try {
  await main();
  await cleanup();
} catch (error) {
  await cleanup();
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
