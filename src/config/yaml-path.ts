/** One step into a YAML document: a mapping key or a 0-based sequence index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Formats segments as the YAML path users see in diagnostics, e.g.
 * `phoneNumbers[2].e164PhoneNumber`; `""` for the document itself. Keys that
 * are not plain identifiers are quoted (`settings["my key"]`).
 */
export function formatYamlPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Decodes an ajv `instancePath` (a JSON Pointer such as `/phoneNumbers/2`)
 * into segments, turning indices of arrays in `data` into numbers.
 */
export function segmentsFromPointer(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(key);
      segments.push(index);
      current = current[index];
    } else {
      segments.push(key);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}
