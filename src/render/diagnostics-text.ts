import { formatDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { createPalette } from './palette.js';

export interface DiagnosticsTextOptions {
  /** Emit ANSI colour (the caller decides: TTY, NO_COLOR, FORCE_COLOR). */
  color: boolean;
}

/**
 * Diagnostics as text, one per line (`error: file:line:column path: message`)
 * with an indented `hint:` line when there is one; empty for no diagnostics.
 */
export function renderDiagnosticsText(diagnostics: readonly Diagnostic[], options: DiagnosticsTextOptions): string {
  const palette = createPalette(options.color);
  let out = '';
  for (const d of diagnostics) {
    // formatDiagnostic starts with the severity word; only that word is coloured.
    const paint = d.severity === 'error' ? palette.red : palette.yellow;
    out += `${palette.bold(paint(d.severity))}${formatDiagnostic(d).slice(d.severity.length)}\n`;
  }
  return out;
}

/** "1 error", "2 warnings". */
export function countNoun(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
