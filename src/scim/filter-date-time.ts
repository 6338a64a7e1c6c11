/**
 * RFC 7643 §2.3.5: dateTime values are xsd:dateTime (e.g. `2008-01-23T04:56:22Z`). RFC 7644 §3.4.2.2 compares
 * them chronologically, so filters bring them to one canonical form, ISO-8601 UTC with milliseconds
 * (`2026-01-01T00:00:00.000Z`), whose text order is time order. A value without a zone designator is read as UTC
 * (xsd leaves it unspecified; the bridge keeps every instant in UTC).
 */
const XSD_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

/** The canonical UTC form of an xsd:dateTime, or undefined when it is not one (or names no real date). */
export function normalizeDateTime(text: string): string | undefined {
  const match = XSD_DATE_TIME.exec(text);
  if (!match) return undefined;
  const field = (group: number): number => Number(match[group]);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = zoneOffsetMinutes(match[8]);
  if (offset === undefined) return undefined;
  // Sub-millisecond digits are cut off (a JavaScript Date holds milliseconds); read as text to avoid float error.
  const millis = Number(`${(match[7] ?? '.').slice(1)}000`.slice(0, 3));
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute - offset, second, millis);
  const normalized = instant.toISOString();
  // Outside years 0000-9999 toISOString switches to an expanded (±YYYYYY) form that does not sort as text.
  return /^\d{4}-/.test(normalized) ? normalized : undefined;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Minutes east of UTC for `Z`, `+hh:mm`, `-hh:mm`, or no designator (UTC). */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (hours * 60 + minutes);
}
