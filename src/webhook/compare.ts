import type { WebhookFinding, WebhookNumber } from '../plan/model.js';

/** How the numbers a webhook answered differ from the expected ones. */
export type NumberComparison = Pick<WebhookFinding, 'missing' | 'unexpected' | 'changedFriendlyName'>;

/**
 * Compares numbers by identity (`e164PhoneNumber` + `extension`); order does
 * not matter. `expected` are the fixture's numbers, i.e. after HubSpot's
 * 24-code-point truncation. A number answered twice counts once; the repeat
 * is unexpected.
 */
export function compareNumbers(expected: readonly WebhookNumber[], actual: readonly WebhookNumber[]): NumberComparison {
  const answered = new Map<string, WebhookNumber>();
  const unexpected: WebhookNumber[] = [];
  const expectedKeys = new Set(expected.map(identity));
  for (const number of actual) {
    const key = identity(number);
    if (!expectedKeys.has(key) || answered.has(key)) unexpected.push(copy(number));
    else answered.set(key, number);
  }
  const missing: WebhookNumber[] = [];
  const changedFriendlyName: NumberComparison['changedFriendlyName'] = [];
  const seen = new Set<string>();
  for (const number of expected) {
    const key = identity(number);
    if (seen.has(key)) continue;
    seen.add(key);
    const got = answered.get(key);
    if (got === undefined) missing.push(copy(number));
    else if (got.friendlyName !== number.friendlyName) {
      changedFriendlyName.push({
        e164PhoneNumber: number.e164PhoneNumber,
        ...(number.extension === undefined ? {} : { extension: number.extension }),
        expected: number.friendlyName,
        actual: got.friendlyName,
      });
    }
  }
  return { missing, unexpected, changedFriendlyName };
}

/** True when a comparison found no difference. */
export function numbersMatch(comparison: NumberComparison): boolean {
  return comparison.missing.length === 0 && comparison.unexpected.length === 0 && comparison.changedFriendlyName.length === 0;
}

function identity(number: WebhookNumber): string {
  // JSON keeps "no extension" apart from any extension string.
  return JSON.stringify([number.e164PhoneNumber, number.extension ?? null]);
}

function copy(number: WebhookNumber): WebhookNumber {
  return {
    e164PhoneNumber: number.e164PhoneNumber,
    ...(number.extension === undefined ? {} : { extension: number.extension }),
    friendlyName: number.friendlyName,
  };
}
