const SECRET_ENV = /^(HUBSPOT_DEVELOPER_API_KEY|HUBSPOT_ACCESS_TOKEN|HUBSPOT_CLIENT_SECRET(_\d+)?)$/;

export const REDACTED = '[REDACTED]';

/** Every secret value present in the environment (API key, tokens, client secrets). */
export function secretValuesFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV.test(name) && value !== undefined && value !== '') values.push(value);
  }
  return values;
}

/**
 * Returns a function that replaces every occurrence of the secrets, raw or
 * percent-encoded (as they appear in a `hapikey=` query), with [REDACTED].
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
