// The body a channel-connection webhook answers, built from a provider's
// numbers with HubSpot's display rule applied (library and CLI alike).
import { validateWebhookResponse, type WebhookPhoneNumber, type WebhookResponseJson } from './response-schema.js';

/** HubSpot shows at most 24 characters of a friendlyName and truncates the rest. */
export const FRIENDLY_NAME_MAX_CODE_POINTS = 24;

/**
 * The first `max` Unicode code points of `text` (not UTF-16 units, not
 * grapheme clusters), never cutting a surrogate pair in half.
 */
export function truncateCodePoints(text: string, max: number = FRIENDLY_NAME_MAX_CODE_POINTS): string {
  // A string of at most `max` UTF-16 units has at most `max` code points.
  if (text.length <= max) return text;
  let end = 0;
  for (let count = 0; count < max && end < text.length; count++) {
    const unit = text.charCodeAt(end);
    const pairs = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length && isLowSurrogate(text.charCodeAt(end + 1));
    end += pairs ? 2 : 1;
  }
  return text.slice(0, end);
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** A number as a provider declares it: `friendlyName` may be longer than HubSpot shows. */
export interface PhoneNumberInput {
  e164PhoneNumber: string;
  extension?: string;
  friendlyName: string;
}

/**
 * The numbers in the given order with `friendlyName` truncated to 24 code
 * points; keys in schema order, other keys kept so the schema can refuse them.
 * Values that are not strings are passed through untouched for the same reason.
 */
export function truncatedNumbers(numbers: readonly PhoneNumberInput[]): WebhookPhoneNumber[] {
  return numbers.map((n) => {
    const { e164PhoneNumber, extension, friendlyName, ...rest } = n;
    return {
      e164PhoneNumber,
      ...(extension === undefined ? {} : { extension }),
      friendlyName: typeof friendlyName === 'string' ? truncateCodePoints(friendlyName) : friendlyName,
      ...rest,
    };
  });
}

/** Thrown by {@link channelConnectionResponse} for a number the schema refuses. */
export class InvalidPhoneNumberError extends Error {
  override readonly name = 'InvalidPhoneNumberError';
  /** Position of the refused number in the input. */
  readonly index: number;
  /** Its `e164PhoneNumber` as given (may be anything). */
  readonly e164PhoneNumber: unknown;
  constructor(message: string, index: number, e164PhoneNumber: unknown) {
    super(message);
    this.index = index;
    this.e164PhoneNumber = e164PhoneNumber;
  }
}

/**
 * The webhook's answer for `numbers`: `{ phoneNumbers }` with HubSpot's
 * 24-code-point `friendlyName` truncation applied, checked against the
 * response schema (schemas/webhook-response.schema.json).
 * @throws InvalidPhoneNumberError naming the first refused number (not E.164,
 *   missing `friendlyName`, an unknown key…); TypeError when `numbers` is not an array.
 */
export function channelConnectionResponse(numbers: readonly PhoneNumberInput[]): WebhookResponseJson {
  if (!Array.isArray(numbers)) throw new TypeError('channelConnectionResponse: numbers must be an array');
  numbers.forEach((n, index) => {
    if (typeof n !== 'object' || n === null || Array.isArray(n)) {
      throw new InvalidPhoneNumberError(`phoneNumbers[${index}] is not an object`, index, undefined);
    }
  });
  const response = { phoneNumbers: truncatedNumbers(numbers) };
  const verdict = validateWebhookResponse(response);
  if (verdict.ok) return response;
  const index = verdict.firstIndex ?? 0;
  const e164 = (numbers[index] as { e164PhoneNumber?: unknown } | undefined)?.e164PhoneNumber;
  const name = typeof e164 === 'string' ? JSON.stringify(e164) : 'without an e164PhoneNumber';
  throw new InvalidPhoneNumberError(`invalid phone number ${name} (phoneNumbers[${index}]): ${verdict.errors.join('; ')}`, index, e164);
}
