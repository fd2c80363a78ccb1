import { createHmac, timingSafeEqual } from "node:crypto";

/** Telegram rejects callback data longer than 64 bytes (UTF-8). */
export const MAX_CALLBACK_BYTES = 64;
/** Characters of the base64url HMAC tag: 60 bits, plenty against guessing through Telegram's API. */
const TAG_LENGTH = 10;
/** The longest core action that fits next to the tag. */
export const MAX_ACTION_BYTES = MAX_CALLBACK_BYTES - TAG_LENGTH;

/** A core action too long for Telegram's callback data: a bug in the feature that offered it. */
export class CallbackDataTooLongError extends Error {
  constructor(readonly action: string) {
    super(
      `core action "${action}" is ${Buffer.byteLength(action, "utf8")} bytes; Telegram callback data allows ` +
        `${MAX_ACTION_BYTES} bytes next to the signature, so keep actions short`,
    );
    this.name = "CallbackDataTooLongError";
  }
}

export type DecodedCallback =
  | { readonly ok: true; readonly action: string }
  | { readonly ok: false; readonly reason: "malformed" | "bad-signature" };

/**
 * Signs core actions for inline buttons and checks them when pressed. Telegram clients can send
 * any callback data they like, so an action is only trusted when its tag matches; the tag also
 * binds the chat, so a button copied into another chat is refused.
 *
 * @example
 * const codec = createCallbackCodec({ secret: deriveCallbackSecret(token) });
 * const data = codec.encode("42", "settings:lang:en"); // "Xq3…settings:lang:en"
 * codec.decode("42", data); // { ok: true, action: "settings:lang:en" }
 */
export interface CallbackCodec {
  /** Throws CallbackDataTooLongError when the action does not fit. */
  encode(chatId: string | number, action: string): string;
  decode(chatId: string | number, data: string): DecodedCallback;
}

/** Derives the codec's key from the bot token, so no extra secret has to be configured. */
export function deriveCallbackSecret(botToken: string): Buffer {
  return createHmac("sha256", "mitreden telegram callback data").update(botToken).digest();
}

export function createCallbackCodec(options: { readonly secret: string | Uint8Array }): CallbackCodec {
  const secret = options.secret;
  if (secret.length < 16) throw new Error("the callback secret must be at least 16 bytes long");

  const tagOf = (chatId: string | number, action: string) =>
    createHmac("sha256", secret).update(`${chatId}\n${action}`).digest("base64url").slice(0, TAG_LENGTH);

  return {
    encode(chatId, action) {
      if (action === "" || Buffer.byteLength(action, "utf8") > MAX_ACTION_BYTES) throw new CallbackDataTooLongError(action);
      return tagOf(chatId, action) + action;
    },
    decode(chatId, data) {
      if (data.length <= TAG_LENGTH || Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) {
        return { ok: false, reason: "malformed" };
      }
      const tag = Buffer.from(data.slice(0, TAG_LENGTH));
      const action = data.slice(TAG_LENGTH);
      const expected = Buffer.from(tagOf(chatId, action));
      if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) return { ok: false, reason: "bad-signature" };
      return { ok: true, action };
    },
  };
}
