import type { ConversationState } from "../ports/stores.js";
import type { InboundPayload } from "../model/inbound-event.js";
import type { InboundPhoto } from "../model/photo.js";
import type { Choice } from "../model/outbound-message.js";

/** What the resident meant, after numbered replies and commands are recognised. */
export type ParsedInput =
  /** `picked`: chosen by typing a number (not a button), so the message it came from is answered. */
  | { readonly kind: "action"; readonly action: string; readonly picked?: true }
  | { readonly kind: "command"; readonly name: string; readonly args: string }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "photo"; readonly photo: InboundPhoto; readonly caption: string | undefined }
  | { readonly kind: "bad-number"; readonly count: number }
  /** A number that picks different things in two messages still on screen: asked back, never acted on. */
  | { readonly kind: "ambiguous-number"; readonly number: number; readonly candidates: readonly Choice[] };

const COMMAND = /^[/!]([a-z][a-z0-9_]{0,31})(?:@[\w]+)?(?:\s+([\s\S]*))?$/i;

/**
 * Turns an inbound payload into an action, a command or free text. "2" picks the second of the
 * choices last offered in this chat, because channels without buttons show numbered lists.
 */
export function parseInput(payload: InboundPayload, state: ConversationState): ParsedInput {
  if (payload.type === "action") return { kind: "action", action: payload.action };
  if (payload.type === "photo") return { kind: "photo", photo: payload.photo, caption: payload.caption?.trim() || undefined };
  const text = payload.text.trim();
  if (/^\d{1,3}$/.test(text) && state.recent && state.recent.length > 0) return numberAmongRecent(Number(text), state.recent);
  if (/^\d{1,3}$/.test(text) && state.choices.length > 0) {
    const index = Number(text) - 1;
    const action = state.choices[index];
    return action === undefined ? { kind: "bad-number", count: state.choices.length } : { kind: "action", action };
  }
  const command = COMMAND.exec(text);
  if (command) return { kind: "command", name: command[1]!.toLowerCase(), args: (command[2] ?? "").trim() };
  return { kind: "text", text };
}

/**
 * "1" when several messages with choices are on screen (two moderation cards): it acts only when
 * every message that has a first choice means the same by it; otherwise the candidates are returned.
 */
function numberAmongRecent(number: number, recent: readonly (readonly Choice[])[]): ParsedInput {
  const candidates: Choice[] = [];
  for (const group of recent) {
    const choice = group[number - 1];
    if (choice && !candidates.some((c) => c.action === choice.action)) candidates.push(choice);
  }
  if (candidates.length === 1) return { kind: "action", action: candidates[0]!.action, picked: true };
  if (candidates.length === 0) return { kind: "bad-number", count: Math.max(...recent.map((g) => g.length)) };
  return { kind: "ambiguous-number", number, candidates };
}

/**
 * True for what the bot never acts on in a group or room: a photo, or text that is neither a
 * command nor a number (which may pick one of the choices offered there). The core then records
 * nothing of the sender: people who only talk in a room the bot is in get no account.
 *
 * @example
 * isGroupChatter({ type: "text", text: "Guten Morgen zusammen" }); // true
 * isGroupChatter({ type: "text", text: "!subscribe surveys" }); // false
 */
export function isGroupChatter(payload: InboundPayload): boolean {
  if (payload.type === "action") return false;
  if (payload.type === "photo") return true;
  const text = payload.text.trim();
  return !/^\d{1,3}$/.test(text) && !COMMAND.test(text);
}

/** Splits "feature:verb:arg1:arg2" into its parts. */
export function splitAction(action: string): { feature: string; verb: string; args: string[] } {
  const [feature = "", verb = "", ...args] = action.split(":");
  return { feature, verb, args };
}
