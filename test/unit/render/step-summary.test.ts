import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/plan/model.js';
import { MARKDOWN_BUDGET, renderFailureMarkdown, renderReportMarkdown } from '../../../src/render/markdown.js';
import { STEP_SUMMARY_LIMIT_BYTES, appendReportToStepSummary, appendStepSummary } from '../../../src/render/step-summary.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { change, connection, report } from './report-builders.js';

const REPORT = '<!-- hscc:plan channel-connection.yaml -->\n### hscc plan\n\n**Plan: 1 to create, 0 to update, 0 to delete.**\n';

describe('appendStepSummary', () => {
  let dir: TempDir | undefined;
  afterEach(() => dir?.remove());

  it('does nothing when GITHUB_STEP_SUMMARY is unset or empty', () => {
    expect(appendStepSummary(REPORT, {})).toEqual({ written: false });
    expect(appendStepSummary(REPORT, { GITHUB_STEP_SUMMARY: '' })).toEqual({ written: false });
  });

  it('creates the file and appends, separating reports with a blank line', () => {
    dir = tempDir();
    const env = { GITHUB_STEP_SUMMARY: dir.file('summary.md') };
    expect(appendStepSummary(REPORT, env)).toEqual({ written: true });
    expect(appendStepSummary('second', env)).toEqual({ written: true });
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe(`${REPORT}\nsecond\n`);
  });

  it('keeps what other steps already wrote', () => {
    dir = tempDir({ 'summary.md': '# Build\n' });
    const env = { GITHUB_STEP_SUMMARY: dir.file('summary.md') };
    appendStepSummary(REPORT, env);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe(`# Build\n\n${REPORT}`);
  });

  it('returns a warning, not an exception, when the file cannot be written', () => {
    dir = tempDir({ 'sub/file.txt': 'x' });
    for (const path of [dir.file('sub'), dir.file('missing-dir/summary.md')]) {
      const result = appendStepSummary(REPORT, { GITHUB_STEP_SUMMARY: path });
      expect(result.written).toBe(false);
      expect(result.warning).toContain(`could not write the GitHub step summary (${path})`);
    }
  });

  it('appends a short note instead of a report that would pass the 1 MiB cap', () => {
    dir = tempDir();
    const path = dir.file('summary.md');
    const existing = 'x'.repeat(STEP_SUMMARY_LIMIT_BYTES - 1000);
    writeFileSync(path, existing);
    const result = appendStepSummary('é'.repeat(600), { GITHUB_STEP_SUMMARY: path });
    expect(result.written).toBe(false);
    expect(result.warning).toContain('1 MiB limit; a short note was appended instead');
    const content = readFileSync(path, 'utf8');
    expect(content.startsWith(existing)).toBe(true);
    expect(content.slice(existing.length)).toContain("would exceed GitHub's 1 MiB step summary limit");
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
  });

  it('writes a report that exactly fills the cap, counting bytes not characters', () => {
    const appended: string[] = [];
    const deps = { sizeOf: () => STEP_SUMMARY_LIMIT_BYTES - 6, appendFile: (_: string, data: string) => void appended.push(data) };
    // "\n" + "éé\n" is 6 bytes in UTF-8 (4 UTF-16 units): it fills the cap exactly; one more "é" does not fit.
    expect(appendStepSummary('éé\n', { GITHUB_STEP_SUMMARY: 's.md' }, deps)).toEqual({ written: true });
    expect(appendStepSummary('ééé\n', { GITHUB_STEP_SUMMARY: 's.md' }, deps).written).toBe(false);
    expect(appended[0]).toBe('\néé\n');
  });

  it('appends nothing when even the note would not fit', () => {
    const appended: string[] = [];
    const deps = { sizeOf: () => STEP_SUMMARY_LIMIT_BYTES, appendFile: (_: string, data: string) => void appended.push(data) };
    const result = appendStepSummary(REPORT, { GITHUB_STEP_SUMMARY: 's.md' }, deps);
    expect(result).toEqual({ written: false, warning: expect.stringContaining('nothing was appended') });
    expect(appended).toEqual([]);
  });

  it('scrubs every secret from the environment before writing', () => {
    const appended: string[] = [];
    const deps = { sizeOf: () => 0, appendFile: (_: string, data: string) => void appended.push(data) };
    const env = { GITHUB_STEP_SUMMARY: 's.md', HUBSPOT_DEVELOPER_API_KEY: 'key/with+chars', HUBSPOT_CLIENT_SECRET_42: 'shh-secret' };
    appendStepSummary('GET /x?hapikey=key%2Fwith%2Bchars failed; echo key/with+chars and shh-secret\n', env, deps);
    expect(appended[0]).toBe('GET /x?hapikey=[REDACTED] failed; echo [REDACTED] and [REDACTED]\n');
  });
});

describe('appendReportToStepSummary', () => {
  let dir: TempDir | undefined;
  afterEach(() => dir?.remove());

  /** 1,500 apps: a delete at the highest id, updates below it; far over the comment budget. */
  const changes: Change[] = Array.from({ length: 1500 }, (_, i) =>
    i === 1499 ? change(9000 + i, 'channel-connection', connection(), null) : change(9000 + i, 'channel-connection', connection(), connection({ url: `https://calls.example.com/${i}` })),
  );
  const big = report('plan', changes);

  it('gives the summary its own budget: what is left of 1 MiB, in bytes', () => {
    dir = tempDir({ 'summary.md': '# Build\n' });
    const path = dir.file('summary.md');
    expect(appendReportToStepSummary((options) => renderReportMarkdown(big, options), { GITHUB_STEP_SUMMARY: path })).toEqual({ written: true });
    const content = readFileSync(path, 'utf8');
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(content.length).toBeGreaterThan(MARKDOWN_BUDGET);
    expect(content).toContain('| 10499 | `channel-connection` | v3 | 🗑️ **delete** ⚠️ |');
    expect(content).toContain('| 9000 | `channel-connection` |');
  });

  it('cuts to the room left, keeping the deletes', () => {
    const appended: string[] = [];
    const deps = { sizeOf: () => STEP_SUMMARY_LIMIT_BYTES - 20_000, appendFile: (_: string, data: string) => void appended.push(data) };
    expect(appendReportToStepSummary((options) => renderReportMarkdown(big, options), { GITHUB_STEP_SUMMARY: 's.md' }, deps)).toEqual({ written: true });
    const text = appended[0] ?? '';
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(20_000);
    expect(text).toContain('- **app 10499** `channel-connection` 🗑️ **delete**');
    expect(text).toContain('> **Truncated**');
  });

  it('writes what failed for a failed run, scrubbed', () => {
    const appended: string[] = [];
    const deps = { sizeOf: () => 0, appendFile: (_: string, data: string) => void appended.push(data) };
    const failure = { kind: 'plan' as const, configPaths: ['envs/*.yaml'], failure: { message: 'GET /crm/v3/x?hapikey=sekrit-developer-key-01 answered 401' } };
    appendReportToStepSummary((options) => renderFailureMarkdown(failure, options), { GITHUB_STEP_SUMMARY: 's.md', HUBSPOT_DEVELOPER_API_KEY: 'sekrit-developer-key-01' }, deps);
    expect(appended[0]).toContain('<!-- hscc:plan envs/*.yaml -->');
    expect(appended[0]).toContain('**hscc plan failed.**');
    expect(appended[0]).toContain('hapikey=[REDACTED] answered 401');
    expect(appended[0]).not.toContain('sekrit-developer-key-01');
  });

  it('warns, never throws, on an unwritable file', () => {
    dir = tempDir({ 'sub/file.txt': 'x' });
    const result = appendReportToStepSummary((options) => renderReportMarkdown(big, options), { GITHUB_STEP_SUMMARY: dir.file('sub') });
    expect(result.written).toBe(false);
    expect(result.warning).toContain('could not write the GitHub step summary');
  });
});
