/**
 * Greedy word wrapping against measured text widths, with an ellipsis when the text does not fit
 * in the allowed number of lines. Used for chart titles and answer labels, which residents and
 * admins write freely and which can be long.
 */

export type MeasureText = (text: string) => number;

const ELLIPSIS = "…";

/** Cuts `text` so that `text + "…"` fits `maxWidth`; returns at least the ellipsis. */
export function truncateWithEllipsis(text: string, maxWidth: number, measure: MeasureText): string {
  if (measure(text) <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  // Binary search for the longest prefix that still fits together with the ellipsis.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(chars.slice(0, mid).join("").trimEnd() + ELLIPSIS) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join("").trimEnd() + ELLIPSIS;
}

/** Splits a single word that is wider than the line into pieces that each fit. */
function breakWord(word: string, maxWidth: number, measure: MeasureText): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const ch of word) {
    if (current !== "" && measure(current + ch) > maxWidth) {
      pieces.push(current);
      current = ch;
    } else {
      current += ch;
    }
  }
  if (current !== "") pieces.push(current);
  return pieces;
}

/**
 * Wraps `text` into at most `maxLines` lines no wider than `maxWidth`. Whitespace runs collapse to
 * one space; a final line that would overflow ends in "…".
 *
 * @example
 * wrapText("Mehr Radwege zwischen den Ortsteilen", 120, measure, 2)
 * // → ["Mehr Radwege", "zwischen den Ortst…"]
 */
export function wrapText(text: string, maxWidth: number, measure: MeasureText, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return [];
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    const candidate = current === "" ? word : `${current} ${word}`;
    if (measure(candidate) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current !== "") lines.push(current);
    if (measure(word) <= maxWidth) {
      current = word;
    } else {
      const pieces = breakWord(word, maxWidth, measure);
      lines.push(...pieces.slice(0, -1));
      current = pieces[pieces.length - 1] ?? "";
    }
  }
  if (current !== "") lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const rest = lines.slice(maxLines - 1).join(" ");
  // Force the ellipsis: the last kept line is followed by more text even if it fits on its own.
  kept[maxLines - 1] = truncateWithEllipsis(rest, maxWidth, measure);
  return kept;
}
