import type { InboundEvent, InboundPayload } from "../model/inbound-event.js";
import { cleanText, needsCleaning } from "./clean-text.js";

function cleanPayload(payload: InboundPayload): InboundPayload {
  switch (payload.type) {
    case "text":
      return needsCleaning(payload.text) ? { ...payload, text: cleanText(payload.text) } : payload;
    case "action":
      return needsCleaning(payload.action) ? { ...payload, action: cleanText(payload.action) } : payload;
    case "photo":
      return payload.caption !== undefined && needsCleaning(payload.caption) ? { ...payload, caption: cleanText(payload.caption) } : payload;
  }
}

/**
 * The event with every text a person typed or chose cleaned (see cleanText): the payload's text,
 * action or caption, the sender's name and the chat's title. Channels clean at their boundary
 * already; the core does it once more so that a channel that forgets cannot store NUL.
 *
 * @example
 * cleanInboundEvent(event).payload // { type: "text", text: "helloworld" } for "hello\u0000world"
 */
export function cleanInboundEvent(event: InboundEvent): InboundEvent {
  const payload = cleanPayload(event.payload);
  const { senderName, chat } = event;
  const name = senderName !== undefined && needsCleaning(senderName) ? cleanText(senderName) : senderName;
  const title = chat.title !== undefined && needsCleaning(chat.title) ? cleanText(chat.title) : chat.title;
  if (payload === event.payload && name === senderName && title === chat.title) return event;
  return {
    ...event,
    payload,
    ...(name !== undefined ? { senderName: name } : {}),
    chat: title !== undefined ? { ...chat, title } : chat,
  };
}
