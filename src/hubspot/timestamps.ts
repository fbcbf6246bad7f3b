// HubSpot sends `createdAt`/`updatedAt` as ISO-8601 (`2023-11-07T05:31:56Z`)
// or, as in its own seed data, `2024-04-30 12:01` (no seconds, no zone).
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/**
 * Parses a HubSpot timestamp into epoch milliseconds. A value without a zone
 * is read as UTC (HubSpot stores UTC). Fractions beyond milliseconds are
 * truncated.
 *
 * @returns epoch ms, or undefined when `text` is not one of the accepted forms
 *   or names an impossible date (e.g. February 30).
 */
export function parseHubSpotTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, , sign, offH, offM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 30 February over into March; a real date round-trips.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  if (sign === undefined) return utc;
  const offsetMinutes = Number(offH) * 60 + Number(offM);
  if (Number(offH) > 23 || Number(offM) > 59) return undefined;
  return sign === '+' ? utc - offsetMinutes * 60_000 : utc + offsetMinutes * 60_000;
}
