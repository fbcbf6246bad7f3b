import { formatDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';

export interface DiagnosticsTextOptions {
  /** Emit ANSI colour (the caller decides: TTY, NO_COLOR, FORCE_COLOR). */
  color: boolean;
}

const SEVERITY_COLOR = { error: '\u001b[1;31m', warning: '\u001b[1;33m' } as const;
const RESET = '\u001b[0m';

/**
 * Diagnostics as text, one per line (`error: file:line:column path: message`)
 * with an indented `hint:` line when there is one; empty for no diagnostics.
 */
export function renderDiagnosticsText(diagnostics: readonly Diagnostic[], options: DiagnosticsTextOptions): string {
  let out = '';
  for (const d of diagnostics) {
    const text = formatDiagnostic(d);
    out += options.color ? `${SEVERITY_COLOR[d.severity]}${d.severity}${RESET}${text.slice(d.severity.length)}\n` : `${text}\n`;
  }
  return out;
}

/** "1 error", "2 warnings". */
export function countNoun(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
