import type { Severity } from '../diagnostics/diagnostic.js';
import type { PathSegment } from './yaml-path.js';

/**
 * A diagnostic before it has a position: rules work on plain values and say
 * where (path + whether the key or the value is meant); the parser turns
 * findings into Diagnostics only for those actually reported.
 */
export interface Finding {
  code: string;
  severity: Severity;
  segments: PathSegment[];
  /** `key` for unknown keys; `value` (the node at the path) otherwise. */
  at: 'key' | 'value';
  message: string;
  hint?: string;
  /** For `unknown-key`: the valid key it is probably a typo of. */
  suggestion?: string;
  /** For `missing-key`: the keys any one of which would satisfy it. */
  missingKeys?: readonly string[];
}

/** Builds an error finding at a value. */
export function errorAt(segments: PathSegment[], code: string, message: string, hint?: string): Finding {
  return { code, severity: 'error', segments, at: 'value', message, ...(hint === undefined ? {} : { hint }) };
}

/** Builds a warning finding at a value. */
export function warningAt(segments: PathSegment[], code: string, message: string, hint?: string): Finding {
  return { code, severity: 'warning', segments, at: 'value', message, ...(hint === undefined ? {} : { hint }) };
}
