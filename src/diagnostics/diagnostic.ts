import { escapeControlCharacters } from '../control-characters.js';

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

/**
 * Builds a diagnostic whose message, hint and path carry no raw control
 * character (DESIGN.md: control characters from input are shown escaped).
 * Every diagnostic is made here.
 */
export function createDiagnostic(fields: Diagnostic): Diagnostic {
  const { hint, ...rest } = fields;
  const base: Diagnostic = {
    ...rest,
    path: escapeControlCharacters(rest.path),
    message: escapeControlCharacters(rest.message),
  };
  return hint === undefined ? base : { ...base, hint: escapeControlCharacters(hint) };
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
  const where = `${escapeControlCharacters(d.file)}:${d.line}:${d.column}`;
  const path = d.path === '' ? '' : ` ${escapeControlCharacters(d.path)}`;
  const hint = d.hint === undefined ? '' : `\n  hint: ${escapeControlCharacters(d.hint)}`;
  return `${d.severity}: ${where}${path}: ${escapeControlCharacters(d.message)}${hint}`;
}
