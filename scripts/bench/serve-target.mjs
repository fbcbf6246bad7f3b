// What the serve benchmarks run against: the configs (one app; 100 apps ×
// 20 portals × 5 users) and a child process serving them, either through
// the built CLI (`hscc serve`, the default) or, with `module`, through the
// webhook server module with the same access log (for when the CLI's config
// loader is mid-change). Requests are signed as HubSpot signs them.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);
export const SECRET = 'bench-client-secret';

const number = (i, label) => ({ e164PhoneNumber: `+1415${String(2_000_000 + i * 7).padStart(7, '0')}`, friendlyName: `${label} ${i}` });

/** One app, ten numbers: the shape the original bench used. */
export function oneAppConfig() {
  return [appConfig(1234567, Array.from({ length: 10 }, (_, i) => number(i, 'Agent line')), [])];
}

/** 100 apps × 20 portals × 5 users, each level with its own numbers. */
export function fleetConfig() {
  return Array.from({ length: 100 }, (_, a) => {
    const appId = 1_000_000 + a;
    const portals = Array.from({ length: 20 }, (_, p) => ({
      portalId: 500 + p,
      phoneNumbers: [number(a * 1000 + p, `App ${a} portal`)],
      users: Array.from({ length: 5 }, (_, u) => ({ userId: 70 + u, phoneNumbers: [number(a * 1000 + p * 10 + u, `User ${u}`), number(200_000 + u, 'Shared')] })),
    }));
    return appConfig(appId, Array.from({ length: 3 }, (_, i) => number(a * 10 + i, `App ${a}`)), portals);
  });
}

function appConfig(appId, phoneNumbers, portals) {
  return {
    appId,
    apiVersion: 'v3',
    auth: 'developer-api-key',
    resources: { 'channel-connection': { ensure: 'present', fields: { url: hookUrl(appId), isReady: true } } },
    phoneNumbers,
    portals,
    source: { file: 'bench.yaml', line: 1, column: 1 },
  };
}

export const hookUrl = (appId) => `https://example.com/hooks/${appId}`;

/** The same apps as a config file for `hscc serve` (DESIGN.md's format). */
export function toYaml(apps) {
  const list = (numbers, indent) =>
    numbers.length === 0 ? ' []\n' : `\n${numbers.map((n) => `${indent}- e164PhoneNumber: "${n.e164PhoneNumber}"\n${indent}  friendlyName: ${n.friendlyName}\n`).join('')}`;
  return apps
    .map((app) => {
      let text = `appId: ${app.appId}\nsettings:\n  url: ${hookUrl(app.appId)}\n  isReady: true\nphoneNumbers:${list(app.phoneNumbers, '  ')}`;
      if (app.portals.length > 0) {
        text += 'portals:\n';
        for (const p of app.portals) {
          text += `  "${p.portalId}":\n    phoneNumbers:${list(p.phoneNumbers, '      ')}    users:\n`;
          for (const u of p.users) text += `      "${u.userId}":\n        phoneNumbers:${list(u.phoneNumbers, '          ')}`;
        }
      }
      return text;
    })
    .join('---\n');
}

/**
 * `count` signed requests spread over the config's apps, portals and users
 * (and, for apps with portals, some undeclared ones), deterministic.
 */
export async function signedRequests(apps, count, now = Date.now()) {
  const { signRequestV3 } = await import('../../dist/webhook/signature.js');
  return Array.from({ length: count }, (_, i) => {
    const app = apps[i % apps.length];
    const portal = app.portals.length === 0 ? { portalId: 42, users: [] } : app.portals[Math.floor(i / apps.length) % app.portals.length];
    const userId = portal.users.length === 0 ? 7 : (portal.users[i % (portal.users.length + 1)]?.userId ?? 9999);
    const body = JSON.stringify({ appId: app.appId, portalId: portal.portalId, userId });
    const headers = { 'content-type': 'application/json', ...signRequestV3({ clientSecret: SECRET, method: 'POST', url: hookUrl(app.appId), body, timestamp: now }) };
    return { method: 'POST', path: new URL(hookUrl(app.appId)).pathname, headers, body };
  });
}

/**
 * Starts the server child (prefix: e.g. taskset) and resolves with its URL
 * and pid once it prints its base URL. `mode`: 'cli' or 'module'.
 */
export function startServe({ mode, apps, dir, prefix = [], execArgv = [] }) {
  let args;
  if (mode === 'cli') {
    const file = join(dir, 'serve.yaml');
    writeFileSync(file, toYaml(apps));
    args = [join(root, 'bin', 'hscc.js'), 'serve', file, '--port', '0'];
  } else {
    const file = join(dir, 'apps.json');
    writeFileSync(file, JSON.stringify(apps));
    args = [self, '--serve-module', file];
  }
  const [command, ...rest] = [...prefix, process.execPath, ...execArgv, ...args];
  const child = spawn(command, rest, { cwd: root, env: { ...process.env, HUBSPOT_CLIENT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Access-log lines of answered requests, so a bench can compare them with what clients received.
  let logged200 = 0;
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (/ POST \S+ 200 /.test(line)) logged200++;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`serve (${mode}) exited ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) => {
      child.removeAllListeners('exit');
      resolve({
        url,
        pid: child.pid,
        logged200: () => logged200,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** `--serve-module FILE`: the webhook server with serve's access log (batched to stderr), until SIGTERM. */
async function serveModule(file) {
  const { readFileSync } = await import('node:fs');
  const { startWebhookServer } = await import('../../dist/webhook/server.js');
  const { createLineBuffer } = await import('../../dist/webhook/line-buffer.js');
  const lines = createLineBuffer((text) => process.stderr.write(text));
  const server = await startWebhookServer({ apps: JSON.parse(readFileSync(file, 'utf8')), env: process.env, now: () => Date.now(), log: lines.log });
  process.stdout.write(`${server.url}\n`);
  process.on('SIGTERM', () => void server.close(1_000).then(() => { lines.flush(); process.exit(0); }));
}

if (process.argv[1] === self && process.argv[2] === '--serve-module') await serveModule(process.argv[3]);
