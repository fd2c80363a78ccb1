/**
 * The one place where text from outside (messengers, the terminal, survey files, the admin command
 * line) is made safe to store and show. PostgreSQL's text and jsonb refuse U+0000 and lone UTF-16
 * surrogates, so a single such character in a message would otherwise fail every write of the turn
 * (and, kept in an inbox, every later batch); other control characters can reorder or hide text in
 * clients. Newline and tab are kept, "\r\n" and lone "\r" become "\n", and the result is in Unicode
 * normalisation form C, so "é" typed two ways is one string for comparisons and searches.
 */

// C0 controls except tab (\u0009) and newline (\u000A), DEL, and the C1 controls.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Cleans one string: line breaks unified, lone surrogates, NUL and other control characters
 * except newline and tab dropped, NFC applied.
 *
 * @example
 * cleanText("hello\u0000world\r\n") === "helloworld\n";
 * cleanText("Cafe\u0301") === "Café";
 */
export function cleanText(value: string): string {
  // Fast path: most messages are plain and already NFC.
  if (!needsCleaning(value)) return value;
  return value.replace(/\r\n?/g, "\n").replace(LONE_SURROGATES, "").replace(CONTROLS, "").normalize("NFC");
}

/** True when `cleanText` would change the value. */
export function needsCleaning(value: string): boolean {
  CONTROLS.lastIndex = 0;
  LONE_SURROGATES.lastIndex = 0;
  return /[\r]/.test(value) || CONTROLS.test(value) || LONE_SURROGATES.test(value) || value !== value.normalize("NFC");
}

/**
 * A JSON-like value with every string cleaned, object keys included; other values are kept as they
 * are. For payloads that are stored whole, such as a Telegram update kept in the inbox.
 *
 * @example
 * cleanDeep({ message: { text: "a\u0000b" } }) // → { message: { text: "ab" } }
 */
export function cleanDeep<T>(value: T): T {
  return cleanValue(value) as T;
}

function cleanValue(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[cleanText(key)] = cleanValue(inner);
    return out;
  }
  return value;
}
