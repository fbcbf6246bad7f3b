import type { FieldType } from '../resources/descriptor.js';
import { errorAt, type Finding } from './finding.js';
import { formatYamlPath, type PathSegment } from './yaml-path.js';

/**
 * `$${` (a literal `${`), `${NAME}` or `${NAME:-default}` (NAME as in POSIX
 * shells, the default holding no `}` nor `${`), else a bare `${`, which is an
 * error. Each alternative matches its text one way only, so a scan is linear
 * however many unclosed `${` a value holds.
 */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}$]|\$(?!\{))*))?\}|\$\{/g;
/** A scalar that is exactly one reference, and so is typed by the schema. */
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(?:[^}$]|\$(?!\{))*)?\}$/;
/** Said of a `${` that starts no reference the config may use. */
export const INVALID_REFERENCE_HINT = 'write ${NAME} or ${NAME:-default} (a default cannot hold another ${…}), or $${ for a literal ${';

/** The variable a scalar written as exactly one reference (`${NAME}`, `${NAME:-x}`) names. */
export function wholeReferenceName(text: string): string | undefined {
  return WHOLE_REFERENCE.exec(text)?.[1];
}

/** The JSON type the schema expects at a path (see keys.ts `scalarTypeAt`). */
export type ScalarTypeLookup = (segments: readonly PathSegment[]) => FieldType;

export interface ExpansionResult {
  /** The input with references replaced; unchanged subtrees are shared, never mutated. */
  value: unknown;
  /** One `undefined-variable` error per unset variable without a default. */
  findings: Finding[];
  /**
   * Formatted paths of strings that held a reference (expanded or not), with
   * the variables named there, so a finding at such a path can name them.
   */
  variablesAt: Map<string, string[]>;
  /** Formatted paths whose expansion failed; later rules skip them. */
  failedPaths: Set<string>;
}

/**
 * Expands environment references in every string value (never in keys) of a
 * plain YAML-derived value; `$${` writes a literal `${`. `${VAR:-default}`
 * uses the default when VAR is unset or empty, as shells do; `${VAR}` with
 * VAR unset is an error naming it, and the string is left as written.
 *
 * A string that is exactly one reference takes the type `typeAt` expects
 * there: `true`/`false` become booleans and decimal integers numbers; text
 * that is not such a value stays a string, so the schema reports it (and the
 * caller names the variable through `variablesAt`).
 */
export function expandEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  typeAt: ScalarTypeLookup = () => 'string',
): ExpansionResult {
  const findings: Finding[] = [];
  const variablesAt = new Map<string, string[]>();
  const failedPaths = new Set<string>();

  const expandString = (text: string, at: PathLink | undefined): unknown => {
    // Fast path: most strings (every phone number) hold no reference.
    if (!text.includes('${')) return text;
    const segments = materialize(at);
    const missing: string[] = [];
    const names: string[] = [];
    let invalid = false;
    const result = text.replace(REFERENCE, (match: string, name: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${';
      if (name === undefined) {
        invalid = true;
        return match;
      }
      names.push(name);
      const set = env[name];
      if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
      if (set === undefined) {
        missing.push(name);
        return match;
      }
      return set;
    });
    if (invalid) {
      // `${VAR-x}`, `${VAR:?x}`, `${A:-${B}}`: kept as text they would reach HubSpot literally.
      failedPaths.add(formatYamlPath(segments));
      findings.push(errorAt(segments, 'invalid-reference', 'this `${` starts no environment reference hscc understands', INVALID_REFERENCE_HINT));
      return text;
    }
    if (names.length === 0) return result;
    const path = formatYamlPath(segments);
    variablesAt.set(path, names);
    if (missing.length === 0) return WHOLE_REFERENCE.test(text) ? typed(result, typeAt(segments)) : result;
    failedPaths.add(path);
    for (const name of missing) {
      findings.push(
        errorAt(
          segments,
          'undefined-variable',
          `environment variable ${name} is not set`,
          `set ${name}, or give a default: \${${name}:-value}`,
        ),
      );
    }
    return text;
  };

  const walk = (node: unknown, at: PathLink | undefined): unknown => {
    if (typeof node === 'string') return expandString(node, at);
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        const next = walk(item, { parent: at, segment: i });
        if (next !== item) {
          copy ??= node.slice();
          copy[i] = next;
        }
      }
      return copy ?? node;
    }
    if (typeof node === 'object' && node !== null) {
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(node)) {
        const next = walk(item, { parent: at, segment: key });
        if (next !== item) {
          copy ??= { ...node };
          copy[key] = next;
        }
      }
      return copy ?? node;
    }
    return node;
  };

  return { value: walk(value, undefined), findings, variablesAt, failedPaths };
}

/**
 * The inverse of expandEnv for text that must be read literally (what
 * `import` prints): every `${` in a string value (never a key) becomes
 * `$${`, so expanding the result in any environment gives back `value`.
 */
export function escapeEnvReferences(value: unknown): unknown {
  // A function, not '$${': in a replacement string `$$` is itself an escape for `$`.
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeEnvReferences);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeEnvReferences(item)]));
  return value;
}

/** Text from the environment as the type the schema expects, when it is one. */
function typed(text: string, type: FieldType): unknown {
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (type === 'integer' && /^-?\d{1,16}$/.test(text)) return Number(text);
  return text;
}

// The path to a value as a linked list, so walking allocates one small
// object per node and arrays are built only for strings with a reference.
interface PathLink {
  parent: PathLink | undefined;
  segment: PathSegment;
}

function materialize(link: PathLink | undefined): PathSegment[] {
  const segments: PathSegment[] = [];
  for (let at = link; at !== undefined; at = at.parent) segments.push(at.segment);
  return segments.reverse();
}
