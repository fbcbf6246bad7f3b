// Node's debug output (NODE_DEBUG) goes straight to stderr, past hscc's
// scrubber: `http`, `net`, `tls` and the fetch stack print request URLs and
// headers, so a `hapikey=` query or a Bearer token would leak. hscc refuses
// to run with them rather than silently running without them.

/** The Node modules whose NODE_DEBUG output can show request URLs, headers or socket data. */
export const LEAKY_DEBUG_MODULES: readonly string[] = ['http', 'https', 'http2', 'net', 'tls', 'undici', 'fetch'];

/**
 * Why hscc must not run with this NODE_DEBUG, or undefined when it may.
 * NODE_DEBUG is read as Node reads it: names separated by commas (or
 * spaces), case-insensitive, `*` matching anything (`*`, `ht*`).
 *
 * @returns a refusal message naming the entries that would print secrets.
 */
export function nodeDebugProblem(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env.NODE_DEBUG;
  if (value === undefined || value.trim() === '') return undefined;
  const entries = value.split(/[\s,]+/).filter((entry) => entry !== '');
  const leaky = entries.filter((entry) => {
    const pattern = new RegExp(`^${entry.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replaceAll('*', '.*')}$`, 'i');
    return LEAKY_DEBUG_MODULES.some((module) => pattern.test(module));
  });
  if (leaky.length === 0) return undefined;
  return (
    `NODE_DEBUG=${leaky.join(',')} would make Node print request URLs and headers, which carry the HubSpot credential, ` +
    `past hscc's redaction; hscc does not run with it. Unset NODE_DEBUG, or leave out ${LEAKY_DEBUG_MODULES.join(', ')} and *.`
  );
}
