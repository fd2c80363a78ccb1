import type { Choice } from "../model/outbound-message.js";
import type { TranslationValues } from "../ports/translator.js";
import { escapeHtml, htmlToPlain } from "./plain-text.js";

/**
 * Plain-text characters one page may hold in all: header, items, the "Page 2 of 5" line and a
 * note. Telegram refuses text over 4,096 characters (counted after the tags are parsed away, in
 * UTF-16 units like `String.length`); 3,500 leaves room for the numbered choice lines channels
 * without buttons append and for a translation that runs longer than the German.
 */
export const PAGE_CHARS = 3_500;
/** Kept free for the page line and the "list changed" note, so packing does not depend on the page number. */
const PAGE_LINE_RESERVE = 160;
/** A header longer than this is cut, so a page always has room for items. */
const HEADER_MAX = 1_000;
/**
 * Longest page action: Telegram's button data is 64 bytes, of which the channel's signature takes
 * 10; 40 leaves room for a longer signature and is plenty for "feature:verb:key:page".
 */
export const MAX_PAGE_ACTION_LENGTH = 40;
const KEY = /^[A-Za-z0-9_-]{1,16}$/;
const PAGE = /^[1-9]\d{0,4}$/;

/** Translation as the pager needs it (a Turn provides both). */
export interface PagerText {
  t(key: string, values?: TranslationValues): string;
  label(key: string, values?: TranslationValues): string;
}

/**
 * The actions of one paged list: "feature:verb:key…:page". The same definition builds them and
 * parses them, so a list cannot offer an action it would not understand.
 *
 * @example
 * const auditPages = definePageAction("mod", "auditp", 1);
 * auditPages.make(2, [20]); // "mod:auditp:20:2"
 * auditPages.parse("auditp", ["20", "2"]); // { keys: ["20"], page: 2 }
 */
export interface PageAction {
  readonly feature: string;
  readonly verb: string;
  /** The action for `page` of the list identified by `keys` (e.g. a survey id). */
  make(page: number, keys?: readonly (string | number)[]): string;
  /** The keys and page of one of this list's actions, or undefined if `verb`/`args` are not one. */
  parse(verb: string, args: readonly string[]): { readonly keys: readonly string[]; readonly page: number } | undefined;
}

export function definePageAction(feature: string, verb: string, keyCount = 0): PageAction {
  return {
    feature,
    verb,
    make(page, keys = []) {
      if (keys.length !== keyCount || !keys.every((k) => KEY.test(String(k)))) {
        throw new Error(`page action ${feature}:${verb} wants ${keyCount} short keys, got ${JSON.stringify(keys)}`);
      }
      if (!PAGE.test(String(page))) throw new Error(`page action ${feature}:${verb}: bad page ${page}`);
      const action = [feature, verb, ...keys.map(String), String(page)].join(":");
      if (action.length > MAX_PAGE_ACTION_LENGTH) throw new Error(`page action "${action}" is longer than ${MAX_PAGE_ACTION_LENGTH}`);
      return action;
    },
    parse(candidate, args) {
      if (candidate !== verb || args.length !== keyCount + 1) return undefined;
      const keys = args.slice(0, keyCount);
      const page = args[keyCount]!;
      if (!keys.every((k) => KEY.test(k)) || !PAGE.test(page)) return undefined;
      return { keys, page: Number(page) };
    },
  };
}

/**
 * One entry of a paged list. `html` is in the core's HTML subset; `group` (HTML too) is a heading
 * shown above the first entry of its group on every page the group appears on, e.g. the question
 * above its free-text answers. `value` is whatever the feature needs to build the page's choices.
 *
 * @example
 * const item: PageItem<number> = { html: "• Mehr Bänke", group: "<b>3. Ihre Idee?</b>", value: 17 };
 */
export interface PageItem<T = undefined> {
  readonly html: string;
  readonly group?: string;
  readonly value: T;
  /** Characters this item's choices add on channels without buttons (their numbered lines). */
  readonly choiceChars?: number;
}

/** What to page: a header shown on every page, the items, and how items are separated. */
export interface PageRequest<T> {
  readonly header: string;
  readonly items: readonly PageItem<T>[];
  /** The page asked for, 1-based; out of range is clamped (the list may have shrunk). */
  readonly page: number;
  readonly action: PageAction;
  readonly keys?: readonly (string | number)[];
  /** Between two items; default one line break. */
  readonly separator?: string;
  /** At most this many items per page (lists of buttons, cards); default no limit. */
  readonly maxItems?: number;
  /** Characters the feature adds outside the text (other choices); counted against the page. */
  readonly reserve?: number;
}

/**
 * One rendered page: its HTML (header, items, page line), the items on it, and the navigation
 * row ("‹ Previous", "Next ›"), empty when everything fits on one page.
 *
 * @example
 * const view = renderPage(turn, { header: "<b>Audit</b>", items, page: 2, action: auditPages, keys: [20] });
 * turn.reply({ html: view.html, choices: [view.navigation] });
 */
export interface PageView<T> {
  readonly html: string;
  readonly page: number;
  readonly pageCount: number;
  readonly items: readonly T[];
  readonly navigation: readonly Choice[];
  /** True when the page asked for no longer exists and the nearest one is shown instead. */
  readonly clamped: boolean;
}

const plainLength = (html: string) => htmlToPlain(html).length;

/** Cuts plain text to `max` characters with "…", never inside a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/**
 * A resident's long text shortened for a list or a confirmation: its start, "…" and the translated
 * length, e.g. "Ich wünsche mir … (2.345 Zeichen)". Returned escaped, as HTML; short text comes
 * back whole. The stored text is never touched.
 */
export function shortenedHtml(text: PagerText & { readonly locale: string }, value: string, max: number): string {
  if (value.length <= max) return escapeHtml(value);
  const length = new Intl.NumberFormat(text.locale).format(value.length);
  return `${escapeHtml(cutText(value, max))} ${text.t("common:shortened", { count: value.length, length })}`;
}

/**
 * Where a request for page `requested` of `pageCount` lands (clamped when the list shrank or
 * grew), its translated page line and the "‹ Previous" / "Next ›" choices. For lists whose items
 * are messages of their own (moderation cards), this is the whole pager.
 *
 * @example
 * const nav = pageNavigation(turn, { requested: 7, pageCount: 3, action: QUEUE_PAGES, keys: [] });
 * // nav.page === 3, nav.clamped === true, nav.line === "Die Liste hat sich inzwischen geändert; …"
 */
export function pageNavigation(
  text: PagerText,
  options: { readonly requested: number; readonly pageCount: number; readonly action: PageAction; readonly keys?: readonly (string | number)[] },
): { readonly page: number; readonly pageCount: number; readonly clamped: boolean; readonly line: string | undefined; readonly choices: readonly Choice[] } {
  const pageCount = Math.max(1, options.pageCount);
  const page = Math.min(Math.max(1, options.requested), pageCount);
  const clamped = page !== options.requested;
  const line = clamped
    ? text.t("common:page-changed", { page, pages: pageCount })
    : pageCount > 1
      ? text.t("common:page-line", { page, pages: pageCount })
      : undefined;
  const keys = options.keys ?? [];
  const choices: Choice[] = [];
  if (page > 1) choices.push({ label: text.label("common:page-previous"), action: options.action.make(page - 1, keys) });
  if (page < pageCount) choices.push({ label: text.label("common:page-next"), action: options.action.make(page + 1, keys) });
  return { page, pageCount, clamped, line, choices };
}

/** Splits item sizes into pages (lists of indices), greedily, each within `budget` characters. */
export function packPages(
  sizes: readonly { readonly size: number; readonly groupSize: number; readonly group: string | undefined }[],
  budget: number,
  separatorSize: number,
  maxItems = Number.POSITIVE_INFINITY,
): number[][] {
  const pages: number[][] = [];
  let current: number[] = [];
  let used = 0;
  let lastGroup: string | undefined;
  sizes.forEach((item, index) => {
    const groupCost = (onFreshPage: boolean) =>
      item.group !== undefined && (onFreshPage || item.group !== lastGroup) ? item.groupSize + separatorSize : 0;
    const cost = (current.length > 0 ? separatorSize : 0) + groupCost(current.length === 0) + item.size;
    if (current.length > 0 && (used + cost > budget || current.length >= maxItems)) {
      pages.push(current);
      current = [];
      used = 0;
      lastGroup = undefined;
    }
    used += current.length === 0 ? groupCost(true) + item.size : cost;
    current.push(index);
    lastGroup = item.group;
  });
  if (current.length > 0) pages.push(current);
  return pages;
}

/**
 * Packs `request.items` into pages of at most PAGE_CHARS plain-text characters and renders the one
 * asked for. An item too long for a page on its own is shown shortened as plain text (features
 * shorten resident texts themselves, see `shortenedHtml`; this only keeps a page sendable).
 */
export function renderPage<T>(text: PagerText, request: PageRequest<T>): PageView<T> {
  const separator = request.separator ?? "\n";
  const headerPlain = htmlToPlain(request.header);
  const header = headerPlain.length > HEADER_MAX ? escapeHtml(cutText(headerPlain, HEADER_MAX)) : request.header;
  const budget = PAGE_CHARS - plainLength(header) - separator.length - PAGE_LINE_RESERVE - (request.reserve ?? 0);
  const items = request.items.map((item) => {
    const groupSize = item.group === undefined ? 0 : plainLength(item.group);
    const room = budget - (item.group === undefined ? 0 : groupSize + separator.length) - (item.choiceChars ?? 0);
    const plain = htmlToPlain(item.html);
    return plain.length <= room ? item : { ...item, html: escapeHtml(cutText(plain, Math.max(1, room))) };
  });
  const sizes = items.map((item) => ({
    size: plainLength(item.html) + (item.choiceChars ?? 0),
    groupSize: item.group === undefined ? 0 : plainLength(item.group),
    group: item.group,
  }));
  const pages = packPages(sizes, budget, separator.length, request.maxItems);
  const nav = pageNavigation(text, { requested: request.page, pageCount: pages.length, action: request.action, keys: request.keys ?? [] });
  const { page, pageCount, clamped } = nav;
  const indices = pages[page - 1] ?? [];

  const parts: string[] = [];
  let lastGroup: string | undefined;
  for (const index of indices) {
    const item = items[index]!;
    if (item.group !== undefined && item.group !== lastGroup) parts.push(item.group);
    lastGroup = item.group;
    parts.push(item.html);
  }
  // The header sits above the items as items sit apart; the page line stands apart below them.
  const body = [header, ...parts].filter((part) => part !== "").join(separator);
  const sections = [body, ...(nav.line ? [nav.line] : [])];
  const navigation = nav.choices;
  return {
    html: sections.filter((s) => s !== "").join("\n\n"),
    page,
    pageCount,
    items: indices.map((i) => items[i]!.value),
    navigation,
    clamped,
  };
}
