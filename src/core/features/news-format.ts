import type { Locale } from "../model/locale.js";
import type { Choice } from "../model/outbound-message.js";
import { htmlToPlain } from "../render/plain-text.js";
import type { NewsItem } from "../ports/initiatives.js";
import type { Translator } from "../ports/translator.js";
import { cutText } from "../render/pager.js";
import { formatMoment, formatShortDay } from "../render/format-date.js";

/**
 * Event dates are entered as the municipality's wall-clock time and kept as such (stored as if
 * UTC), so they read back exactly as the manager typed them, in the reader's format.
 */
export function formatEventDate(date: Date, locale: Locale): string {
  const hasTime = date.getUTCHours() !== 0 || date.getUTCMinutes() !== 0;
  return hasTime ? formatMoment(date, locale, WALL_CLOCK) : formatShortDay(date, locale, WALL_CLOCK);
}

/** The zone event dates are stored in: their wall-clock time as if it were UTC. */
const WALL_CLOCK = "UTC";

/** "27.03.2027" or "27.03.2027 19:30" → a Date (wall-clock as UTC); undefined when not a real date. */
export function parseEventDate(input: string): Date | undefined {
  const match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(input.trim());
  if (!match) return undefined;
  const [, d, m, y, hh, mm] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh ?? 0), Number(mm ?? 0)));
  const valid =
    date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(m) - 1 && Number(hh ?? 0) < 24 && Number(mm ?? 0) < 60;
  return valid ? date : undefined;
}

/** One news item as HTML in `locale`: initiative name, text, and when/where if given. */
export function renderNews(
  translator: Translator,
  locale: Locale,
  item: Pick<NewsItem, "text" | "eventDate" | "place">,
  initiativeName: string,
): string {
  const lines = [translator.t(locale, "initiatives:news-heading", { name: initiativeName }), translator.t(locale, "initiatives:news-text", { text: item.text })];
  if (item.eventDate) lines.push(translator.t(locale, "initiatives:news-when", { when: formatEventDate(item.eventDate, locale) }));
  if (item.place) lines.push(translator.t(locale, "initiatives:news-where", { place: item.place }));
  return lines.join("\n");
}

/** The start of a news item's text for a button label, cut at `max` characters (never inside an emoji). */
export function shortNewsText(text: string, max = 24): string {
  return cutText(text, max);
}

/**
 * One "Photo: <start of the text>" choice per item that has a photo. Lists of news are one message,
 * which carries at most one picture, so each photo opens on its own (`initiatives:photo:<id>`).
 */
export function newsPhotoChoices(
  translator: Translator,
  locale: Locale,
  items: readonly Pick<NewsItem, "id" | "text" | "photoId">[],
): Choice[][] {
  return items
    .filter((item) => item.photoId !== null)
    .map((item) => [{ label: htmlToPlain(translator.t(locale, "initiatives:show-photo", { text: shortNewsText(item.text) })), action: `initiatives:photo:${item.id}` }]);
}
