import type { CountryCode } from 'libphonenumber-js/core';
import { isRecord } from '../is-record.js';
import { errorAt, warningAt, type Finding } from './finding.js';
import { checkPhoneNumber, type PhoneLibrary } from './phone-number.js';
import { formatYamlPath, type PathSegment } from './yaml-path.js';

/** HubSpot truncates `friendlyName` to this many Unicode code points. */
export const FRIENDLY_NAME_MAX = 24;

export interface RuleContext {
  /** Formatted paths whose `${VAR}` expansion failed: already reported, not checked again. */
  failedPaths: ReadonlySet<string>;
  /** Loaded when the document has phone numbers or a defaultRegion. */
  phone: PhoneLibrary | undefined;
}

/**
 * The rules JSON Schema cannot express, over one expanded app document.
 * Each rule checks only values of the right type, so it can run beside
 * schema errors and report everything in one pass. Linear in the number of
 * phone numbers (duplicates via a Map).
 */
export function semanticFindings(data: Readonly<Record<string, unknown>>, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const checked = (segments: PathSegment[]): boolean =>
    context.failedPaths.size === 0 || !context.failedPaths.has(formatYamlPath(segments));

  const settings = data.settings;
  if (isRecord(settings) && typeof settings.url === 'string' && checked(['settings', 'url'])) {
    const problem = checkUrl(settings.url);
    if (problem !== undefined) findings.push(errorAt(['settings', 'url'], problem.code, problem.message, problem.hint));
  }

  let region: CountryCode | undefined;
  const regionValue = data.defaultRegion;
  if (typeof regionValue === 'string' && /^[A-Z]{2}$/.test(regionValue) && context.phone !== undefined) {
    if (context.phone.isSupportedCountry(regionValue)) region = regionValue;
    else findings.push(errorAt(['defaultRegion'], 'invalid-value', `"${regionValue}" is not a region with a numbering plan`));
  }

  const numbers = data.phoneNumbers;
  if (Array.isArray(numbers) && context.phone !== undefined) {
    findings.push(...phoneNumberFindings(numbers, region, context.phone, checked));
  }
  return findings;
}

function phoneNumberFindings(
  numbers: readonly unknown[],
  region: CountryCode | undefined,
  lib: PhoneLibrary,
  checked: (segments: PathSegment[]) => boolean,
): Finding[] {
  const findings: Finding[] = [];
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < numbers.length; i++) {
    const entry = numbers[i];
    if (!isRecord(entry)) continue;
    const { e164PhoneNumber: e164, extension, friendlyName } = entry;
    const hasExtension = typeof extension === 'string';
    if (typeof e164 === 'string' && checked(['phoneNumbers', i, 'e164PhoneNumber'])) {
      const at = ['phoneNumbers', i, 'e164PhoneNumber'];
      const problem = checkPhoneNumber(e164, region, lib);
      if (problem !== undefined) findings.push({ ...problem, segments: at, at: 'value' });
      const key = hasExtension ? `${e164}\u0000${extension}` : e164;
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, i);
      else {
        const what = hasExtension ? `"${e164}" with extension "${extension}"` : `"${e164}"`;
        findings.push(
          errorAt(at, 'duplicate-phone-number', `${what} is already listed as phoneNumbers[${first}]`, 'remove one of them'),
        );
      }
    }
    if (hasExtension) {
      findings.push(
        warningAt(
          ['phoneNumbers', i, 'extension'],
          'phone-extension',
          'HubSpot does not let users select a number with an extension',
          'remove the extension, or list the number without one',
        ),
      );
    }
    // Cheap pre-check: a string of at most 24 UTF-16 units has at most 24 code points.
    if (typeof friendlyName === 'string' && friendlyName.length > FRIENDLY_NAME_MAX) {
      const codePoints = [...friendlyName];
      if (codePoints.length > FRIENDLY_NAME_MAX) {
        findings.push(
          warningAt(
            ['phoneNumbers', i, 'friendlyName'],
            'friendly-name-too-long',
            `friendlyName has ${codePoints.length} characters; HubSpot truncates it to ${FRIENDLY_NAME_MAX}`,
            `users will see "${codePoints.slice(0, FRIENDLY_NAME_MAX).join('')}"`,
          ),
        );
      }
    }
  }
  return findings;
}

/** A URL problem, without its position. */
export interface UrlProblem {
  code: 'invalid-url' | 'insecure-url';
  message: string;
  hint?: string;
}

/**
 * `settings.url` must be an absolute `https:` URL; `http:` is accepted only
 * for loopback hosts (localhost, 127.0.0.0/8, [::1]) so local tests and the
 * emulator work.
 */
export function checkUrl(raw: string): UrlProblem | undefined {
  if (raw.trim() !== raw) {
    return { code: 'invalid-url', message: 'the URL has leading or trailing whitespace', hint: `write "${raw.trim()}"` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      code: 'invalid-url',
      message: `"${raw}" is not an absolute URL`,
      hint: 'write the full URL HubSpot calls, e.g. https://calls.example.com/hubspot/channel-connection',
    };
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return undefined;
    return {
      code: 'insecure-url',
      message: `"${raw}" uses http: on a host that is not loopback`,
      hint: `use https: ("https:${raw.slice('http:'.length)}"); http: is only for localhost, 127.0.0.0/8 and [::1]`,
    };
  }
  return { code: 'invalid-url', message: `"${raw}" uses ${url.protocol}; HubSpot calls https: URLs` };
}

function isLoopback(hostname: string): boolean {
  // WHATWG URL already normalised 127.1 and 0x7f.0.0.1 to dotted decimal.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
