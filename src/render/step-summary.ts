// Mirrors a markdown report into the GitHub Actions job summary. The only
// I/O in render/: the file system is injected, node:fs by default.
import { appendFileSync, statSync } from 'node:fs';

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
  /** Why it was not (or not fully) written; printed on stderr, never a failure. */
  warning?: string;
}

const nodeDeps: StepSummaryDeps = {
  sizeOf: (path) => statSync(path).size,
  appendFile: (path, data) => appendFileSync(path, data, 'utf8'),
};

/**
 * Appends `markdown` to the file named by `GITHUB_STEP_SUMMARY`, when set.
 *
 * The 1 MiB per-step cap is respected by never writing part of a report
 * (half a table or an unclosed `<details>` renders badly): when the whole
 * report would push the file past the cap, a one-line note is appended
 * instead, if that fits, and a warning is returned. An unwritable file also
 * returns a warning; neither throws.
 */
export function appendStepSummary(
  markdown: string,
  env: Readonly<Record<string, string | undefined>>,
  deps: StepSummaryDeps = nodeDeps,
): StepSummaryResult {
  const path = env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') return { written: false };
  try {
    const size = currentSize(path, deps);
    // A blank line keeps this report from merging into the previous one's last block.
    const text = `${size > 0 ? '\n' : ''}${markdown}${markdown.endsWith('\n') ? '' : '\n'}`;
    if (size + Buffer.byteLength(text, 'utf8') <= STEP_SUMMARY_LIMIT_BYTES) {
      deps.appendFile(path, text);
      return { written: true };
    }
    const note =
      `${size > 0 ? '\n' : ''}> **hscc:** report not included: it would exceed GitHub's 1 MiB step summary limit. ` +
      'See the job log or the JSON output.\n';
    const fits = size + Buffer.byteLength(note, 'utf8') <= STEP_SUMMARY_LIMIT_BYTES;
    if (fits) deps.appendFile(path, note);
    return {
      written: false,
      warning:
        `the report (${Buffer.byteLength(text, 'utf8')} bytes) would push the GitHub step summary past its ` +
        `1 MiB limit; ${fits ? 'a short note was appended instead' : 'nothing was appended'}.`,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { written: false, warning: `could not write the GitHub step summary (${path}): ${reason}` };
  }
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
