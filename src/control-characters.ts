// Text from input or from a server, made safe to print anywhere (terminal,
// step summary, PR comment).

// C0 and C1 controls, DEL, line/paragraph separators, the bidirectional
// marks and overrides ("Trojan Source") and the invisible characters that
// join nothing (zero-width space, word joiner, BOM, soft hyphen): each could
// rewrite what a terminal or a reviewer sees (a changed URL that looks the
// same), so input text never reaches a message raw. The joiners that shape
// emoji and scripts (U+200C, U+200D) stay. JSON.stringify escapes C0 itself
// and leaves the rest.
const BEYOND_C0 = '\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';
const CONTROL = new RegExp(`[\\u0000-\\u001f${BEYOND_C0}]`, 'g');
const RAW_IN_JSON = new RegExp(`[${BEYOND_C0}]`, 'g');
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Input text made safe to print: every control character becomes a visible
 * escape (`\n`, `\t`, `\x1b`, `\u202e`); other text is unchanged.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (char) => {
    const named = NAMED[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `escapeControlCharacters` for text with a layout of its own (a diff, a message of several lines): its line breaks and tabs kept, every other control shown. */
export function escapeControlCharactersByLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.split('\t').map(escapeControlCharacters).join('\t'))
    .join('\n');
}

/** Text with every control character percent-encoded as UTF-8 (`%1B`, `%E2%80%AE`), for names that must stay one token. */
export function percentEncodeControls(text: string): string {
  return text.replace(CONTROL, (char) => encodeURIComponent(char));
}

const BEYOND_C0_ANY = new RegExp(`[${BEYOND_C0}]`);

/** True when `text` holds a character JSON.stringify (and yaml's double quotes) would leave raw. */
export function holdsBeyondC0(text: string): boolean {
  return BEYOND_C0_ANY.test(text);
}

/** JSON text (from JSON.stringify) with what it leaves raw (BEYOND_C0) as `\uXXXX` escapes: still the same JSON, safe to print. */
export function escapeJsonControls(json: string): string {
  return json.replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
