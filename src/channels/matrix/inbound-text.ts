import { cleanText } from "../../core/text/clean-text.js";
import type { RawEvent } from "./sync-loop.js";

/**
 * The text a resident typed in an m.room.message, or undefined for events the bot ignores:
 * notices (other bots – answering them could loop), edits of earlier messages, media and empty text.
 */
export function inboundText(event: RawEvent, commandPrefix: string): string | undefined {
  const { content } = event;
  if (content["msgtype"] !== "m.text" || typeof content["body"] !== "string") return undefined;
  const relation = content["m.relates_to"];
  if (relation && typeof relation === "object" && (relation as Record<string, unknown>)["rel_type"] === "m.replace") {
    return undefined;
  }
  // The sync loop cleans events already; cleaning here too keeps this function safe on its own.
  let text = cleanText(content["body"]);
  // A reply starts with a quote of the message replied to ("> <@bot:x> …" lines, then a blank line).
  if (relation && typeof relation === "object" && "m.in_reply_to" in relation) {
    const lines = text.split("\n");
    let first = 0;
    while (first < lines.length && lines[first]!.startsWith(">")) first += 1;
    if (first > 0) text = lines.slice(first).join("\n");
  }
  // Text that was nothing but control characters is empty now; it is still answered ("not
  // understood"), so the resident is not left without a word.
  text = text.trim();
  // The core understands "/" and "!"; any other configured prefix is rewritten for it.
  if (commandPrefix !== "/" && commandPrefix !== "!" && text.startsWith(commandPrefix)) {
    const rest = text.slice(commandPrefix.length);
    if (/^[a-z]/i.test(rest)) text = `/${rest}`;
  }
  return text;
}
