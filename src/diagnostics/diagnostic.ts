export type Severity = 'error' | 'warning';

/**
 * One finding about an input file. `line` and `column` are 1-based; `path` is
 * the YAML path (`phoneNumbers[2].e164PhoneNumber`, `""` for the whole file).
 * `code` is stable and what tests assert; `message` is prose for humans.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  /** What to do about it, when there is something to suggest. */
  hint?: string;
}

/** The stable JSON form of a diagnostic (DESIGN.md `D`). */
export interface DiagnosticJson {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  code: string;
  hint?: string;
}

export function toDiagnosticJson(d: Diagnostic): DiagnosticJson {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    path: d.path,
    message: d.message,
    code: d.code,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
  };
}

/** `file:line:column path: message`, the one-line form used in text output. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const path = d.path === '' ? '' : ` ${d.path}`;
  const hint = d.hint === undefined ? '' : `\n  hint: ${d.hint}`;
  return `${d.severity}: ${where}${path}: ${d.message}${hint}`;
}
