/**
 * Hostile input, as one table every channel is driven through. Each case is something a resident's
 * client can really send (or a forged update a hostile client can produce); `expect` names the
 * translated answer the sender must get, in the language they chose (English here, while their
 * platform hints German), so a case also proves that errors are answered in the resident's language.
 */

/** What the hostile resident sends. Channels that cannot carry an input skip that case loudly. */
export type HostileInput =
  | { readonly kind: "text"; readonly text: string }
  /** A message whose sender's display name is `name` (Telegram first name, Matrix display name). */
  | { readonly kind: "named-text"; readonly name: string; readonly text: string }
  /** A button press carrying forged data (Telegram only: the only channel with buttons). */
  | { readonly kind: "button-data"; readonly data: string };

export interface HostileCase {
  readonly name: string;
  readonly input: HostileInput;
  /** i18n key whose English text must appear in the answer to the sender. */
  readonly expect: string;
  /** Interpolation values for `expect`. */
  readonly values?: Readonly<Record<string, string | number>>;
}

const longWord = "Dorfgemeinschaftshaus".repeat(500); // 10,500 characters without a break

export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: "NUL inside the text", input: { kind: "text", text: "hello\u0000world" }, expect: "common:not-understood" },
  { name: "NUL alone", input: { kind: "text", text: "\u0000" }, expect: "common:not-understood" },
  { name: "lone high surrogate", input: { kind: "text", text: "Bank\uD800am See" }, expect: "common:not-understood" },
  { name: "lone low surrogate", input: { kind: "text", text: "\uDC00\uDC01" }, expect: "common:not-understood" },
  { name: "C0 and C1 controls and a bidi override", input: { kind: "text", text: "a\u0001\u001b[31m\u0085\u009b\u202Eb" }, expect: "common:not-understood" },
  { name: "decomposed umlauts", input: { kind: "text", text: "Mu\u0308hle und Cafe\u0301" }, expect: "common:not-understood" },
  { name: "markup and a script", input: { kind: "text", text: "<b>x</b></i><a href=\"javascript:alert(1)\">y</a><script>z</script> &amp; &#0;" }, expect: "common:not-understood" },
  { name: "a 10,500-character word", input: { kind: "text", text: longWord }, expect: "common:not-understood" },
  { name: "a number far out of range", input: { kind: "text", text: "999" }, expect: "common:bad-number", values: { count: 6 } },
  { name: "a huge number", input: { kind: "text", text: "99999999999999999999999" }, expect: "common:not-understood" },
  { name: "a negative number", input: { kind: "text", text: "-1" }, expect: "common:not-understood" },
  { name: "an unknown command with NUL", input: { kind: "text", text: "/frobnicate\u0000 now" }, expect: "common:unknown-command", values: { command: "frobnicate" } },
  // The suite seeds idea 1 and has residents 1 and 2, so these probe ids that exist and ids that do not.
  { name: "/approve of an idea that exists, from a resident", input: { kind: "text", text: "/approve 1" }, expect: "ideas:denied" },
  { name: "/approve of an idea that does not exist", input: { kind: "text", text: "/approve 987654" }, expect: "ideas:denied" },
  { name: "/block of a resident who exists, from a resident", input: { kind: "text", text: "/block 2" }, expect: "ideas:denied" },
  { name: "/block of a resident who does not exist", input: { kind: "text", text: "/block 987654" }, expect: "ideas:denied" },
  { name: "NUL and a lone surrogate in the sender's name", input: { kind: "named-text", name: "Eve\u0000\uD800\u202E", text: "hallo" }, expect: "common:not-understood" },
  { name: "forged button data with NUL", input: { kind: "button-data", data: "x\u0000y" }, expect: "common:stale-action" },
  { name: "forged button data, a lone surrogate", input: { kind: "button-data", data: "\uD800" }, expect: "common:stale-action" },
];
