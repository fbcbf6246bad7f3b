import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheNameOf, start } from '../../../src/cli/start.js';

describe('cacheNameOf', () => {
  it('names the command, skipping program options and their values', () => {
    expect(cacheNameOf(['validate', 'a.yaml'])).toBe('validate');
    expect(cacheNameOf(['--json', 'plan'])).toBe('plan');
    expect(cacheNameOf(['--timeout', '5s', 'plan'])).toBe('plan');
    expect(cacheNameOf(['--base-url', 'validate', 'drift'])).toBe('drift');
    expect(cacheNameOf(['--base-url=http://127.0.0.1:1', 'apply'])).toBe('apply');
  });

  it('is help without a command', () => {
    expect(cacheNameOf([])).toBe('help');
    expect(cacheNameOf(['--help'])).toBe('help');
  });

  it('gives no name for anything but a known command, so argv never picks a path', () => {
    expect(cacheNameOf(['../../etc/passwd'])).toBeUndefined();
    expect(cacheNameOf(['bogus'])).toBeUndefined();
  });
});

describe('start', () => {
  let dir: string;
  let bundle: string;
  const calls: unknown[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hscc-start-'));
    bundle = join(dir, 'hscc.cjs');
    mkdirSync(join(dir, 'code-cache'));
    // A stand-in bundle: records its argv and that it ran strict and with CommonJS bindings.
    writeFileSync(
      bundle,
      "'use strict';\nexports.main = async (argv) => { globalThis.__hsccStartCalls.push({ argv, strict: this === undefined, file: __filename, hasRequire: typeof require('node:path').join === 'function' }); };\n",
    );
    calls.length = 0;
    (globalThis as { __hsccStartCalls?: unknown[] }).__hsccStartCalls = calls;
  });

  afterEach(() => {
    delete process.env.HSCC_RECORD_CODE_CACHE;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the bundle’s main with argv and CommonJS bindings', async () => {
    await start(['node', 'hscc', 'validate', 'x.yaml'], bundle);
    expect(calls).toEqual([{ argv: ['node', 'hscc', 'validate', 'x.yaml'], strict: true, file: bundle, hasRequire: true }]);
  });

  it('records the cache of the command only when asked, then runs from it', async () => {
    const cache = join(dir, 'code-cache', 'validate.bin');
    await start(['node', 'hscc', 'validate'], bundle);
    expect(existsSync(cache)).toBe(false);

    process.env.HSCC_RECORD_CODE_CACHE = '1';
    await start(['node', 'hscc', 'validate'], bundle);
    expect(statSync(cache).size).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'code-cache'))).toEqual(['validate.bin']); // no temporary file left

    delete process.env.HSCC_RECORD_CODE_CACHE;
    await start(['node', 'hscc', 'validate'], bundle);
    expect(calls).toHaveLength(3);
  });

  it('runs as usual when the cache is not V8’s (corrupt, or from another version)', async () => {
    writeFileSync(join(dir, 'code-cache', 'plan.bin'), 'not a code cache');
    await start(['node', 'hscc', 'plan'], bundle);
    expect(calls).toHaveLength(1);
  });
});
