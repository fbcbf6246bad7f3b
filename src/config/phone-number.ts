import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CountryCode, MetadataJson, PhoneNumber, ValidatePhoneNumberLengthResult } from 'libphonenumber-js/core';

/** The parts of libphonenumber-js (full "max" metadata) the rules use. */
export interface PhoneLibrary {
  parsePhoneNumberFromString(text: string, defaultCountry?: CountryCode): PhoneNumber | undefined;
  validatePhoneNumberLength(text: string): ValidatePhoneNumberLengthResult | undefined;
  isSupportedCountry(country: string): country is CountryCode;
}

let phoneLibrary: Promise<PhoneLibrary> | undefined;

/**
 * Loads libphonenumber-js with full metadata, lazily (files without numbers
 * skip it) and once per process. Uses the documented `core` API with the max metadata read as JSON,
 * because JSON.parse of 150 KB is several times cheaper at start-up than
 * compiling the same data as the JavaScript object `libphonenumber-js/max` imports.
 */
export function loadPhoneLibrary(): Promise<PhoneLibrary> {
  // Once per process: a file of many documents with numbers would otherwise
  // read and parse the 150 KB of metadata once per document.
  phoneLibrary ??= readPhoneLibrary();
  return phoneLibrary;
}

// Set only in the CLI bundle (scripts/bundle.mjs), which inlines
// libphonenumber-js's code and copies the metadata of that same version
// beside itself: no package resolution at run time (~4 ms of `validate`),
// and code and metadata cannot come from two installs.
declare const HSCC_BUNDLED_PHONE_METADATA: string | undefined;

function metadataPath(): string {
  if (typeof HSCC_BUNDLED_PHONE_METADATA === 'string') return fileURLToPath(new URL(HSCC_BUNDLED_PHONE_METADATA, import.meta.url));
  return createRequire(import.meta.url).resolve('libphonenumber-js/metadata.max.json');
}

async function readPhoneLibrary(): Promise<PhoneLibrary> {
  const [core, text] = await Promise.all([import('libphonenumber-js/core'), readFile(metadataPath(), 'utf8')]);
  const metadata = JSON.parse(text) as MetadataJson;
  return {
    parsePhoneNumberFromString: (value, defaultCountry) =>
      defaultCountry === undefined
        ? core.parsePhoneNumberFromString(value, metadata)
        : core.parsePhoneNumberFromString(value, defaultCountry, metadata),
    validatePhoneNumberLength: (value) => core.validatePhoneNumberLength(value, metadata),
    isSupportedCountry: (country): country is CountryCode => core.isSupportedCountry(country as CountryCode, metadata),
  };
}

/** A number problem, without its position. */
export interface PhoneNumberProblem {
  code: 'phone-not-e164' | 'phone-impossible' | 'phone-not-valid';
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

// E.164: a + and at most 15 digits, nothing else (no spaces, no punctuation).
const E164 = /^\+[0-9]{1,15}$/;

const LENGTH_REASONS: Readonly<Record<ValidatePhoneNumberLengthResult, string>> = {
  INVALID_COUNTRY: 'has no valid country calling code',
  TOO_SHORT: 'is too short',
  TOO_LONG: 'is too long',
  INVALID_LENGTH: 'has a length no number of its country has',
  NOT_A_NUMBER: 'is not a phone number',
};

/**
 * Checks one `e164PhoneNumber`: not E.164 or impossible by length is an
 * error; possible but not valid in the current numbering plan is a warning.
 * `region` (the file's `defaultRegion`) only helps suggest an E.164 form.
 */
export function checkPhoneNumber(
  raw: string,
  region: CountryCode | undefined,
  lib: PhoneLibrary,
): PhoneNumberProblem | undefined {
  if (!E164.test(raw)) {
    const suggestion = suggestE164(raw, region, lib);
    return {
      code: 'phone-not-e164',
      severity: 'error',
      message: `"${raw}" is not an E.164 number (+ and up to 15 digits, no spaces or punctuation)`,
      hint:
        suggestion !== undefined
          ? `write "${suggestion}"`
          : region === undefined && /^[\d\s().-]+$/.test(raw)
            ? 'add the + and country code, or set defaultRegion to get a suggestion'
            : 'write + then the country code and number, e.g. "+14155552671"',
    };
  }
  const parsed = lib.parsePhoneNumberFromString(raw);
  if (parsed === undefined || !parsed.isPossible()) {
    const reason = lib.validatePhoneNumberLength(raw) ?? 'INVALID_LENGTH';
    return {
      code: 'phone-impossible',
      severity: 'error',
      message: `"${raw}" ${LENGTH_REASONS[reason]}`,
    };
  }
  // libphonenumber forgives a trunk prefix after the country code (+44 0…); HubSpot and dialers do not.
  if (parsed.number !== raw) {
    return {
      code: 'phone-not-e164',
      severity: 'error',
      message: `"${raw}" is not the E.164 form of this number: the national prefix does not belong after the country code`,
      hint: `write "${parsed.number}"`,
    };
  }
  if (!parsed.isValid()) {
    // The country guessed for an invalid number is unreliable; name the calling code.
    return {
      code: 'phone-not-valid',
      severity: 'warning',
      message: `"${raw}" has a possible length but is not a valid number in the +${parsed.countryCallingCode} numbering plan`,
      hint: 'check the digits; placeholders such as +18001231234 are not assigned numbers',
    };
  }
  return undefined;
}

/**
 * The E.164 form of a loosely written number, when one can be derived: a
 * formatted international number ("+1 (415) 555-2671"), an ITU "00" prefix
 * ("0044 20 7946 0958"), or a national number with `region`.
 */
export function suggestE164(raw: string, region: CountryCode | undefined, lib: PhoneLibrary): string | undefined {
  const compact = raw.replace(/[\s().\-/]/g, '');
  const candidates = /^00[1-9]/.test(compact) ? [`+${compact.slice(2)}`, raw] : [raw];
  for (const candidate of candidates) {
    const parsed = lib.parsePhoneNumberFromString(candidate, region);
    if (parsed?.isPossible() === true && parsed.number !== raw) return parsed.number;
  }
  return undefined;
}
