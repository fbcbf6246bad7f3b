// Mirrors a markdown report into the GitHub Actions job summary. The only
// I/O in render/: the file system is injected, node:fs by default.
import { appendFileSync, statSync } from 'node:fs';
import { createScrubber, secretValuesFrom } from '../runtime/secrets.js';
import type { MarkdownOptions } from './markdown.js';

/**
 * GitHub's cap on one step's summary file, in bytes. A summary over it is
 * not shown at all (GitHub reports an error annotation instead).
 */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** The file operations appendStepSummary needs. */
export interface StepSummaryDeps {
  /** Current size of the file in bytes; throws ENOENT when it does not exist. */
  sizeOf(path: string): number;
  appendFile(path: string, data: string): void;
}

export interface StepSummaryResult {
  /** True when the markdown was appended in full. */
  written: boolean;
  /** Why it was not (or not fully) written; printed on stderr as a warning, never a failure. */
  warning?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const nodeDeps: StepSummaryDeps = {
  sizeOf: (path) => statSync(path).size,
  appendFile: (path, data) => appendFileSync(path, data, 'utf8'),
};

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * Renders a report for the step summary with its own budget (what is left
 * of the 1 MiB cap, counted in UTF-8 bytes) and appends it to the file named
 * by `GITHUB_STEP_SUMMARY`, when set. `render` is a markdown renderer bound
 * to its report, e.g. `(options) => renderReportMarkdown(report, options)` or
 * `(options) => renderFailureMarkdown(failure, options)`, so a failed run
 * still says what failed. Never throws: problems come back as a warning.
 */
export function appendReportToStepSummary(
  render: (options: MarkdownOptions) => string,
  env: Env,
  deps: StepSummaryDeps = nodeDeps,
): StepSummaryResult {
  const path = env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') return { written: false };
  let size: number;
  try {
    size = currentSize(path, deps);
  } catch (error) {
    return unwritable(path, error, env);
  }
  // Room for the separating blank line and the trailing newline appendStepSummary adds.
  const budget = STEP_SUMMARY_LIMIT_BYTES - size - 2;
  if (budget <= 0) return appendStepSummary('', env, deps);
  return appendStepSummary(render({ budget, measure: utf8Bytes }), env, deps);
}

/**
 * Appends `markdown` to the file named by `GITHUB_STEP_SUMMARY`, when set,
 * with every secret from `env` scrubbed out first (a HubSpot error echoing
 * a key must not land in the summary).
 *
 * The 1 MiB per-step cap is respected by never writing part of a report
 * (half a table or an unclosed `<details>` renders badly): when the whole
 * report would push the file past the cap, a one-line note is appended
 * instead, if that fits, and a warning is returned. An unwritable file also
 * returns a warning; neither throws.
 */
export function appendStepSummary(markdown: string, env: Env, deps: StepSummaryDeps = nodeDeps): StepSummaryResult {
  const path = env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') return { written: false };
  const scrub = createScrubber(secretValuesFrom(env));
  try {
    const size = currentSize(path, deps);
    const report = scrub(markdown);
    // A blank line keeps this report from merging into the previous one's last block.
    const text = `${size > 0 ? '\n' : ''}${report}${report.endsWith('\n') ? '' : '\n'}`;
    if (report !== '' && size + utf8Bytes(text) <= STEP_SUMMARY_LIMIT_BYTES) {
      deps.appendFile(path, text);
      return { written: true };
    }
    const note =
      `${size > 0 ? '\n' : ''}> **hscc:** report not included: it would exceed GitHub's 1 MiB step summary limit. ` +
      'See the job log or the JSON output.\n';
    const fits = size + utf8Bytes(note) <= STEP_SUMMARY_LIMIT_BYTES;
    if (fits) deps.appendFile(path, note);
    return {
      written: false,
      warning:
        `the report (${utf8Bytes(text)} bytes) would push the GitHub step summary past its ` +
        `1 MiB limit; ${fits ? 'a short note was appended instead' : 'nothing was appended'}.`,
    };
  } catch (error) {
    return unwritable(path, error, env);
  }
}

function unwritable(path: string, error: unknown, env: Env): StepSummaryResult {
  const reason = error instanceof Error ? error.message : String(error);
  const scrub = createScrubber(secretValuesFrom(env));
  return { written: false, warning: scrub(`could not write the GitHub step summary (${path}): ${reason}`) };
}

/** 0 for a file that does not exist yet: appending creates it. */
function currentSize(path: string, deps: StepSummaryDeps): number {
  try {
    return deps.sizeOf(path);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 0;
    throw error;
  }
}
