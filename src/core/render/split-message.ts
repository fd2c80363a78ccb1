/**
 * Splits a message that is too long for a channel into parts that each fit, so that nothing is
 * refused and nothing is silently cut. Works on the core's HTML subset (b, i, a href, code, pre,
 * newlines as "\n", entities such as `&amp;`); what "fits" means is the channel's business: Telegram
 * counts plain characters, Matrix the bytes of the event it will send.
 */
import type { OutboundMessage } from "../model/outbound-message.js";

/**
 * How a channel measures one part, rendered the way it will send it, and the most it takes.
 * `measure` must grow with the text: a longer prefix of the same text never measures less.
 *
 * @example
 * const telegramText: PartBudget = { limit: 4096, measure: visibleLength };
 * const bytes: PartBudget = { limit: 57_344, measure: (html) => Buffer.byteLength(html) };
 */
export interface PartBudget {
  readonly limit: number;
  readonly measure: (html: string) => number;
}

type Atom =
  | { readonly kind: "text"; readonly plain: string }
  | { readonly kind: "open"; readonly name: string }
  | { readonly kind: "close"; readonly name: string }
  | { readonly kind: "void" };

/** A tag open at some position; a linked list shares the common part of every position's stack. */
interface OpenTag {
  readonly name: string;
  readonly raw: string;
  readonly parent: OpenTag | undefined;
}

/** A tag (end tag: group 1 is "/"; self-closing: group 3 is "/") or an entity (group 4). */
const MARKUP = /<(\/?)([a-z][a-z0-9-]*)(?:\s[^<>]*?)?\s*(\/?)>|&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,30});/gi;
const VOID_TAGS = new Set(["br", "hr", "img"]);
/** The named entities Telegram decodes; any other named entity is shown (and counted) as written. */
const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"' };
/** A part cut at a paragraph or line must be at least this full, or a cut between words is better. */
const MIN_FILL = 0.5;
/** The first step away from the estimated end of a part, as a share of the estimate; doubled from there. */
const PROBE_SHARE = 64;

/**
 * A user-perceived character, close enough to Unicode's grapheme clusters for cutting: a code point
 * with its combining marks, variation selectors, skin tones and emoji tags, emoji joined by ZWJ,
 * flag pairs, CR LF. (Intl.Segmenter does this exactly but takes milliseconds per kilobyte.)
 */
const CHARACTER = /\r\n|\p{Regional_Indicator}{2}|[^](?:[\p{M}\p{Emoji_Modifier}\u{E0020}-\u{E007F}]|\u200D[^]?)*/gsu;

function decodeEntity(whole: string, body: string): string {
  const numeric = body.startsWith("#x") || body.startsWith("#X") ? parseInt(body.slice(2), 16) : body.startsWith("#") ? parseInt(body.slice(1), 10) : undefined;
  if (numeric === undefined) return NAMED[body.toLowerCase()] ?? whole;
  return numeric <= 0x10ffff ? String.fromCodePoint(numeric) : whole;
}

/** The message as a sequence of units a cut may fall between: tags, entities, grapheme clusters. */
interface Tokens {
  readonly atoms: Atom[];
  /** Where atom i starts in the HTML; `starts[atoms.length]` is the HTML's length. */
  readonly starts: number[];
}

function tokenize(html: string): Tokens {
  const atoms: Atom[] = [];
  const starts: number[] = [];
  const pushText = (from: number, to: number) => {
    let offset = from;
    // Whole characters: surrogate pairs, combining accents and emoji sequences are never cut.
    for (const [segment] of html.slice(from, to).matchAll(CHARACTER)) {
      atoms.push({ kind: "text", plain: segment });
      starts.push(offset);
      offset += segment.length;
    }
  };
  let textStart = 0;
  for (const match of html.matchAll(MARKUP)) {
    pushText(textStart, match.index);
    starts.push(match.index);
    textStart = match.index + match[0].length;
    const [whole, slash, tagName, selfClosing, entity] = match;
    if (entity !== undefined) {
      atoms.push({ kind: "text", plain: decodeEntity(whole, entity) });
      continue;
    }
    const name = (tagName as string).toLowerCase();
    if (slash === "/") atoms.push({ kind: "close", name });
    else if (selfClosing === "/" || VOID_TAGS.has(name)) atoms.push({ kind: "void" });
    else atoms.push({ kind: "open", name });
  }
  pushText(textStart, html.length);
  starts.push(html.length);
  return { atoms, starts };
}

/** The text a reader sees: tags removed, entities decoded the way Telegram decodes them. */
export function visibleText(html: string): string {
  return html.replace(MARKUP, (whole, _slash, _name, _selfClosing, entity: string | undefined) => (entity === undefined ? "" : decodeEntity(whole, entity)));
}

/** Length of `visibleText` in UTF-16 code units, as Telegram counts its 4,096 and 1,024. */
export function visibleLength(html: string): number {
  return visibleText(html).length;
}

/**
 * Splits `html` into parts that each measure at most `budget.limit`, preferring to cut between paragraphs, then
 * between lines, then between words, and cutting a word only when one is longer than a part. A cut
 * never falls inside a tag, an entity or a character (grapheme cluster); tags open at a cut are
 * closed at the end of the part and opened again, with their attributes, at the start of the next.
 * The whitespace at a cut is dropped; apart from that, the parts' texts together are the original.
 * A message that fits comes back unchanged as the only part.
 *
 * Throws when a single character with its tags does not fit: the limit is then a bug, not a message.
 *
 * @example
 * splitHtml("<b>eins zwei drei</b>", { limit: 9, measure: visibleLength });
 * // → ["<b>eins zwei</b>", "<b>drei</b>"]
 */
export function splitHtml(html: string, budget: PartBudget): string[] {
  const { limit, measure } = budget;
  const wholeSize = measure(html);
  if (wholeSize <= limit) return [html];
  const { atoms, starts } = tokenize(html);
  const n = atoms.length;

  // Open tags before each atom, and how many visible characters precede it.
  const stacks: (OpenTag | undefined)[] = [undefined];
  const visible: number[] = [0];
  const isSpace: boolean[] = [];
  for (let i = 0; i < n; i += 1) {
    const atom = atoms[i] as Atom;
    let stack = stacks[i];
    if (atom.kind === "open") stack = { name: atom.name, raw: html.slice(starts[i], starts[i + 1]), parent: stack };
    if (atom.kind === "close") {
      let found = stack;
      while (found && found.name !== atom.name) found = found.parent;
      // An end tag without its start changes nothing; the core never writes one.
      if (found) stack = found.parent;
    }
    stacks.push(stack);
    const space = atom.kind === "text" && /^\s+$/u.test(atom.plain);
    isSpace.push(space);
    visible.push((visible[i] as number) + (atom.kind === "text" && !space ? 1 : 0));
  }

  // Where whitespace runs start, by the strongest break they make, and where each run ends.
  const paragraphs: number[] = [];
  const lines: number[] = [];
  const spaces: number[] = [];
  const runEnd = new Map<number, number>();
  for (let i = 0; i < n; i += 1) {
    if (!isSpace[i] || (i > 0 && isSpace[i - 1])) continue;
    let end = i;
    let newlines = 0;
    while (end < n && isSpace[end]) {
      newlines += ((atoms[end] as { plain: string }).plain.match(/\n/g) ?? []).length;
      end += 1;
    }
    runEnd.set(i, end);
    spaces.push(i);
    if (newlines >= 1) lines.push(i);
    if (newlines >= 2) paragraphs.push(i);
  }

  const openTags = (stack: OpenTag | undefined): string => (stack ? openTags(stack.parent) + stack.raw : "");
  const closeTags = (stack: OpenTag | undefined): string => (stack ? `</${stack.name}>` + closeTags(stack.parent) : "");
  const render = (from: number, to: number): string =>
    openTags(stacks[from]) + html.slice(starts[from], starts[to]) + closeTags(stacks[to]);
  const hasVisible = (from: number, to: number): boolean => (visible[to] as number) > (visible[from] as number);
  const ok = (from: number, to: number): boolean => hasVisible(from, to) && measure(render(from, to)) <= limit;

  /**
   * The largest end for a part starting at `from`, where the rest (`restSize` when measured) does
   * not fit. Sizes grow about linearly with the text, so the search starts at the proportional
   * estimate and brackets it with small steps before bisecting: a measure that renders a whole
   * Matrix event is run a dozen times per part, not once per character.
   */
  function longestFit(from: number, restSize: number): number {
    let lo = from + 1;
    while (lo < n && !hasVisible(from, lo)) lo += 1;
    if (!ok(from, lo)) throw new Error(`a single character does not fit the channel's limit: ${JSON.stringify(render(from, lo))}`);
    let hi = n;
    const estimate = Math.min(Math.max(from + Math.floor(((n - from) * limit) / restSize), lo + 1), hi - 1);
    let step = Math.max(1, Math.ceil((estimate - from) / PROBE_SHARE));
    if (estimate > lo && ok(from, estimate)) {
      // Upwards from a part that fits until one does not.
      lo = estimate;
      while (lo + step < hi) {
        const probe = lo + step;
        if (!ok(from, probe)) {
          hi = probe;
          break;
        }
        lo = probe;
        step *= 2;
      }
    } else if (estimate > lo) {
      // Downwards from a part that does not fit until one does.
      hi = estimate;
      while (hi - step > lo) {
        const probe = hi - step;
        if (ok(from, probe)) {
          lo = probe;
          break;
        }
        hi = probe;
        step *= 2;
      }
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (ok(from, mid)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** The last break in `starts` within [min, max] that leaves something visible in the part. */
  function lastBreak(breaks: readonly number[], from: number, min: number, max: number): number | undefined {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((breaks[mid] as number) <= max) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo - 1; k >= 0; k -= 1) {
      const at = breaks[k] as number;
      if (at < min) return undefined;
      if (hasVisible(from, at)) return at;
    }
    return undefined;
  }

  /** Where the part starting at `from` ends and where the next one starts. */
  function cutAfter(from: number, restSize: number): { end: number; next: number } {
    const hard = longestFit(from, restSize);
    const min = from + Math.ceil((hard - from) * MIN_FILL);
    for (const breaks of [paragraphs, lines, spaces]) {
      const at = lastBreak(breaks, from, min, hard);
      if (at !== undefined) return { end: at, next: runEnd.get(at) as number };
    }
    // Mid-word: start tags right before the cut belong to the next part, not as empty tags to this one.
    let end = hard;
    while (atoms[end - 1]?.kind === "open" && hasVisible(from, end - 1)) end -= 1;
    return { end, next: end };
  }

  const parts: string[] = [];
  let from = 0;
  let restSize = wholeSize;
  for (;;) {
    const { end, next } = cutAfter(from, restSize);
    parts.push(render(from, end));
    // Only whitespace or end tags left: the part just made is the last one.
    if (!hasVisible(next, n)) return parts;
    from = next;
    const rest = render(from, n);
    restSize = measure(rest);
    if (restSize <= limit) {
      parts.push(rest);
      return parts;
    }
  }
}

/**
 * Splits a message into messages that each fit: the text as `splitHtml` splits it, the image with
 * the first part, the choices (buttons or numbered list) and a photo request with the last, where
 * the resident reads them after the whole text. Where the choices take room (a numbered list),
 * `measure` should count them in every part: they land on the last, known only once the text is split.
 *
 * @example
 * const parts = splitOutbound(message, { limit: 4096, measure: visibleLength });
 */
export function splitOutbound(message: OutboundMessage, budget: PartBudget): OutboundMessage[] {
  const texts = splitHtml(message.html, budget);
  if (texts.length === 1) return [message];
  const last = texts.length - 1;
  return texts.map((html, index) => ({
    html,
    ...(index === 0 && message.image ? { image: message.image } : {}),
    ...(index === last && message.choices ? { choices: message.choices } : {}),
    ...(index === last && message.awaitsPhoto ? { awaitsPhoto: true } : {}),
  }));
}
