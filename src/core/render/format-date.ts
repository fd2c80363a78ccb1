/**
 * Dates and times as people read them: in the municipality's time zone (TIME_ZONE, passed in by
 * whoever builds the feature) and in the reader's locale format. Nothing shown to a person is an
 * ISO string or a UTC time; stored values and machine-readable exports stay ISO.
 */

/** The zone of the example municipality, used when TIME_ZONE is unset. */
export const DEFAULT_TIME_ZONE = "Europe/Berlin";

/** Whether `zone` is an IANA time zone this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return /^[A-Za-z][\w+-]*(\/[A-Za-z0-9][\w+-]*)*$/.test(zone);
  } catch {
    return false;
  }
}

/**
 * A date with its time of day: "27.11.2026, 10:00" (de), "27 Nov 2026, 10:00" (en).
 *
 * @example
 * formatMoment(new Date("2026-11-27T09:00:00Z"), "de", "Europe/Berlin"); // "27.11.2026, 10:00"
 */
export function formatMoment(date: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/**
 * A calendar day written out: "31. Dezember 2026", "31 December 2026".
 *
 * @example
 * formatDay(new Date("2026-12-31T11:00:00Z"), "de", "Europe/Berlin"); // "31. Dezember 2026"
 */
export function formatDay(date: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(date);
}

/**
 * A calendar day in short form, for lists: "27.11.2026", "27 Nov 2026".
 *
 * @example
 * formatShortDay(new Date("2026-11-27T23:30:00Z"), "de", "Europe/Berlin"); // "28.11.2026"
 */
export function formatShortDay(date: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(date);
}

/**
 * "2026-11-27" for the local day `date` falls on: for file names, which sort by it, not for prose.
 *
 * @example
 * dayStamp(new Date("2026-11-27T23:30:00Z"), "Europe/Berlin"); // "2026-11-28"
 */
export function dayStamp(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")}`;
}
