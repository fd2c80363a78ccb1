/**
 * The Bot API methods the loopback server implements. Each handler gets the call's parameters and
 * returns the `result` Telegram would return, or throws an ApiError with Telegram's wording.
 */
import type { InlineKeyboardMarkup, Message, PhotoSize } from "grammy/types";
import {
  ApiError,
  badRequest,
  chatIdParam,
  forbidden,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalJson,
  optionalString,
  type Params,
} from "./api-error.js";
import {
  chatObject,
  fullUser,
  inferChatKind,
  memberStatus,
  nextMessageId,
  setMemberStatus,
  storeFile,
  type BotApiState,
} from "./bot-api-state.js";
import type { SentMessage, StoredFile, TestChat } from "./bot-api-types.js";
import { formattedText, imageSize, replyMarkup, type FormattedText } from "./message-content.js";
import type { RateLimiter } from "./rate-limits.js";
import type { UploadedPart } from "./request-body.js";
import type { UpdateQueue } from "./update-queue.js";

export interface CallContext {
  readonly params: Params;
  readonly files: ReadonlyMap<string, UploadedPart>;
  readonly now: number;
  /** Lets a long poll stop waiting when the client goes away. */
  readonly onClose: (cancel: () => void) => void;
}

export type MethodHandler = (ctx: CallContext) => unknown;

export interface MethodDeps {
  readonly state: BotApiState;
  readonly queue: UpdateQueue;
  readonly limiter: RateLimiter | undefined;
  readonly strictChats: boolean;
  /** Called for every accepted send; the server counts it and wakes waiting tests. */
  readonly onSent: (message: SentMessage | undefined) => void;
  /** Called when enforcement rejects a send, so stats can tell limits from injected faults. */
  readonly onRateLimited: () => void;
}

/** Bots may upload files of at most 50 MB (getFile downloads are limited to 20 MB). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Telegram guesses a document's type from its name when the client says nothing better. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  json: "application/json",
  csv: "text/csv",
  txt: "text/plain",
  pdf: "application/pdf",
  zip: "application/zip",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

function mimeTypeOf(file: StoredFile): string {
  const ext = (file.filename ?? file.filePath).split(".").pop()?.toLowerCase() ?? "";
  return MIME_BY_EXTENSION[ext] ?? "application/octet-stream";
}

const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";

export function createMethods(deps: MethodDeps): Map<string, MethodHandler> {
  const { state, queue } = deps;

  function chatFor(params: Params): TestChat {
    const ref = chatIdParam(params);
    if (typeof ref === "string") {
      const name = ref.slice(1).toLowerCase();
      for (const chat of state.chats.values()) if (chat.username?.toLowerCase() === name) return chat;
      throw badRequest("chat not found");
    }
    const known = state.chats.get(ref);
    if (known !== undefined) return known;
    if (deps.strictChats) throw badRequest("chat not found");
    // Benchmarks address 100,000 chats; inferring them without storing keeps memory flat.
    const kind = inferChatKind(ref);
    return kind === "private" ? { id: ref, type: kind } : { id: ref, type: kind, title: `Chat ${ref}` };
  }

  function assertCanPost(chat: TestChat): void {
    const status = state.members.size === 0 && state.leftChats.size === 0 ? undefined : memberStatus(state, chat.id, state.botUser.id);
    if (status === undefined || (status !== "left" && status !== "kicked")) return;
    if (chat.type === "private") throw forbidden("bot was blocked by the user");
    throw forbidden(`bot is not a member of the ${chat.type === "channel" ? "channel" : chat.type === "supergroup" ? "supergroup" : "group"} chat`);
  }

  function enforceLimits(method: string, chat: TestChat, params: Params, now: number): boolean {
    const paid = optionalBoolean(params, "allow_paid_broadcast") ?? false;
    const limiter = deps.limiter;
    if (limiter === undefined || !limiter.methods.has(method.toLowerCase())) return paid;
    const error = limiter.check(String(chat.id), chat.type, paid, now);
    if (error !== undefined) {
      deps.onRateLimited();
      throw error;
    }
    return paid;
  }

  function messageObject(chat: TestChat, messageId: number, date: number, body: Record<string, unknown>): Message {
    return { message_id: messageId, from: fullUser(state.botUser), chat: chatObject(chat), date, ...body } as unknown as Message;
  }

  function textBody(text: FormattedText | undefined, markup: InlineKeyboardMarkup | undefined): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (text !== undefined) {
      body.text = text.text;
      if (text.entities !== undefined) body.entities = text.entities;
    }
    if (markup !== undefined) body.reply_markup = markup;
    return body;
  }

  function record(message: SentMessage): SentMessage | undefined {
    state.messagesSent += 1;
    if (!state.recordMessages) return undefined;
    state.sent.push(message);
    let chat = state.messagesByChat.get(message.chatId);
    if (chat === undefined) {
      chat = new Map();
      state.messagesByChat.set(message.chatId, chat);
    }
    chat.set(message.messageId, message);
    return message;
  }

  function storeUpload(part: UploadedPart | undefined, fallbackExt: string): StoredFile {
    const ext = part?.filename?.split(".").pop() ?? fallbackExt;
    return storeFile(state, part?.bytes ?? Buffer.alloc(0), { ext, filename: part?.filename });
  }

  function photoInput(ctx: CallContext): StoredFile {
    const value = optionalString(ctx.params, "photo");
    const direct = ctx.files.get("photo");
    if (value === undefined && direct !== undefined) return storeUpload(direct, "jpg");
    if (value === undefined || value === "") throw badRequest("there is no photo in the request");
    if (value.startsWith("attach://")) {
      const part = ctx.files.get(value.slice("attach://".length));
      if (part === undefined) throw badRequest("wrong remote file identifier specified: can't unserialize it");
      if (part.bytes.length === 0) throw badRequest("file must be non-empty");
      return storeUpload(part, "jpg");
    }
    const known = state.files.get(value);
    if (known !== undefined) return known;
    // Telegram fetches URLs itself; the test peer cannot, so it stores an empty placeholder.
    if (/^https?:\/\//i.test(value)) return storeUpload(undefined, "jpg");
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  /**
   * The document of a sendDocument call. Telegram takes a new upload (multipart, with a file name,
   * at most 50 MB for bots), the file_id of a file it knows, or a URL it fetches itself.
   */
  function documentInput(ctx: CallContext): StoredFile {
    const value = optionalString(ctx.params, "document");
    let part = value === undefined ? ctx.files.get("document") : undefined;
    if (part === undefined && value !== undefined && value.startsWith("attach://")) {
      part = ctx.files.get(value.slice("attach://".length));
      if (part === undefined) throw badRequest("wrong remote file identifier specified: can't unserialize it");
    }
    if (part !== undefined) {
      // A part without a file name is an ordinary form field, not an upload.
      if (part.filename === undefined || part.filename.trim() === "") throw badRequest("there is no document in the request");
      if (part.bytes.length === 0) throw badRequest("file must be non-empty");
      if (part.bytes.length > MAX_UPLOAD_BYTES) throw new ApiError(413, "Request Entity Too Large");
      const ext = part.filename.includes(".") ? (part.filename.split(".").pop() as string) : "dat";
      return storeFile(state, part.bytes, { ext, folder: "documents", filename: part.filename });
    }
    if (value === undefined || value === "") throw badRequest("there is no document in the request");
    const known = state.files.get(value);
    if (known !== undefined) return known;
    if (/^https?:\/\//i.test(value)) return storeFile(state, Buffer.alloc(0), { ext: "dat", folder: "documents", filename: "file" });
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  function findMessage(chatId: number, messageId: number, notFound: string): SentMessage | undefined {
    if (state.recordMessages) {
      const message = state.messagesByChat.get(chatId)?.get(messageId);
      if (message === undefined) throw badRequest(notFound);
      return message;
    }
    if (messageId < 1 || messageId > (state.lastMessageId.get(chatId) ?? 0)) throw badRequest(notFound);
    return undefined;
  }

  function sameMarkup(a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined): boolean {
    return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  }

  function commandsKey(params: Params): string {
    const scope = optionalJson(params, "scope", "bot command scope");
    const language = optionalString(params, "language_code") ?? "";
    if (scope !== undefined && !isRecord(scope)) throw badRequest("can't parse BotCommandScope JSON object");
    const type = typeof scope?.type === "string" ? scope.type : "default";
    const known = ["default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member"];
    if (!known.includes(type)) throw badRequest("wrong parameter scope type");
    if (language !== "" && !/^[a-z]{2}$/.test(language)) throw badRequest("invalid language code specified");
    return `${type}|${String(scope?.chat_id ?? "")}|${String(scope?.user_id ?? "")}|${language}`;
  }

  function chatMemberObject(chatId: number, userId: number): Record<string, unknown> {
    const status = memberStatus(state, chatId, userId);
    const known = userId === state.botUser.id ? state.botUser : fullUser(state.users.get(userId) ?? { id: userId });
    const base: Record<string, unknown> = { status, user: known };
    switch (status) {
      case "creator":
        return { ...base, is_anonymous: false };
      case "administrator":
        return {
          ...base,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: true,
          can_manage_video_chats: true,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: true,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          can_pin_messages: true,
        };
      case "restricted":
        return { ...base, is_member: true, can_send_messages: false, until_date: 0 };
      case "kicked":
        return { ...base, until_date: 0 };
      default:
        return base;
    }
  }

  const handlers: Record<string, MethodHandler> = {
    getMe: () => ({
      ...state.botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    }),

    getUpdates: (ctx) => {
      const allowed = optionalJson(ctx.params, "allowed_updates", "allowed updates");
      if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((a) => typeof a === "string"))) {
        throw badRequest("can't parse allowed updates");
      }
      const timeout = optionalInteger(ctx.params, "timeout");
      return queue.poll(
        {
          offset: optionalInteger(ctx.params, "offset"),
          limit: optionalInteger(ctx.params, "limit"),
          timeoutSeconds: timeout,
          allowedUpdates: allowed as string[] | undefined,
        },
        ctx.onClose,
      );
    },

    deleteWebhook: (ctx) => {
      if (optionalBoolean(ctx.params, "drop_pending_updates") === true) queue.dropPending();
      return true;
    },

    getWebhookInfo: () => ({ url: "", has_custom_certificate: false, pending_update_count: queue.pendingCount }),

    setMyCommands: (ctx) => {
      const commands = optionalJson(ctx.params, "commands", "bot commands");
      if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
      if (commands.length > 100) throw badRequest("too many commands specified");
      for (const command of commands) {
        if (!isRecord(command) || typeof command.command !== "string" || typeof command.description !== "string") {
          throw badRequest("can't parse BotCommand JSON object");
        }
        if (!/^[a-z0-9_]{1,32}$/.test(command.command)) throw badRequest("BOT_COMMAND_INVALID");
        if (command.description.length < 1 || command.description.length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      state.commands.set(commandsKey(ctx.params), commands);
      return true;
    },

    getMyCommands: (ctx) => state.commands.get(commandsKey(ctx.params)) ?? [],

    deleteMyCommands: (ctx) => {
      state.commands.delete(commandsKey(ctx.params));
      return true;
    },

    sendChatAction: (ctx) => {
      assertCanPost(chatFor(ctx.params));
      return true;
    },

    sendMessage: (ctx) => {
      const chat = chatFor(ctx.params);
      const text = formattedText(ctx.params, "text", "entities");
      if (text === undefined) throw badRequest("message text is empty");
      // Reply keyboards are validated but not echoed back, as Telegram does; inline ones are.
      const { inline } = replyMarkup(ctx.params);
      assertCanPost(chat);
      const paid = enforceLimits("sendMessage", chat, ctx.params, ctx.now);
      const messageId = nextMessageId(state, chat.id);
      const date = Math.floor(ctx.now / 1000);
      deps.onSent(
        record({
          method: "sendMessage",
          chatId: chat.id,
          messageId,
          text: text.text,
          rawText: text.raw,
          parseMode: text.parseMode,
          entities: text.entities,
          replyMarkup: inline,
          caption: undefined,
          photoFileId: undefined,
          paidBroadcast: paid,
          at: ctx.now,
          editedAt: undefined,
        }),
      );
      return messageObject(chat, messageId, date, textBody(text, inline));
    },

    sendPhoto: (ctx) => {
      const chat = chatFor(ctx.params);
      const file = photoInput(ctx);
      const caption = formattedText(ctx.params, "caption", "caption_entities");
      const { inline } = replyMarkup(ctx.params);
      assertCanPost(chat);
      const paid = enforceLimits("sendPhoto", chat, ctx.params, ctx.now);
      const messageId = nextMessageId(state, chat.id);
      const { width, height } = imageSize(file.bytes);
      const photo: PhotoSize[] = [
        { file_id: file.fileId, file_unique_id: file.fileUniqueId, width, height, file_size: file.bytes.length },
      ];
      deps.onSent(
        record({
          method: "sendPhoto",
          chatId: chat.id,
          messageId,
          text: undefined,
          rawText: undefined,
          parseMode: caption?.parseMode,
          entities: caption?.entities,
          replyMarkup: inline,
          caption: caption?.text,
          photoFileId: file.fileId,
          paidBroadcast: paid,
          at: ctx.now,
          editedAt: undefined,
        }),
      );
      const body: Record<string, unknown> = { photo };
      if (caption !== undefined) {
        body.caption = caption.text;
        if (caption.entities !== undefined) body.caption_entities = caption.entities;
      }
      if (inline !== undefined) body.reply_markup = inline;
      return messageObject(chat, messageId, Math.floor(ctx.now / 1000), body);
    },

    sendDocument: (ctx) => {
      const chat = chatFor(ctx.params);
      const file = documentInput(ctx);
      const caption = formattedText(ctx.params, "caption", "caption_entities");
      const { inline } = replyMarkup(ctx.params);
      assertCanPost(chat);
      const paid = enforceLimits("sendDocument", chat, ctx.params, ctx.now);
      const messageId = nextMessageId(state, chat.id);
      const document = { fileId: file.fileId, fileName: file.filename ?? "file", mimeType: mimeTypeOf(file), size: file.bytes.length };
      deps.onSent(
        record({
          method: "sendDocument",
          chatId: chat.id,
          messageId,
          text: undefined,
          rawText: undefined,
          parseMode: caption?.parseMode,
          entities: caption?.entities,
          replyMarkup: inline,
          caption: caption?.text,
          photoFileId: undefined,
          document,
          paidBroadcast: paid,
          at: ctx.now,
          editedAt: undefined,
        }),
      );
      const body: Record<string, unknown> = {
        document: { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_name: document.fileName, mime_type: document.mimeType, file_size: document.size },
      };
      if (caption !== undefined) {
        body.caption = caption.text;
        if (caption.entities !== undefined) body.caption_entities = caption.entities;
      }
      if (inline !== undefined) body.reply_markup = inline;
      return messageObject(chat, messageId, Math.floor(ctx.now / 1000), body);
    },

    editMessageText: (ctx) => {
      if (optionalString(ctx.params, "inline_message_id") !== undefined) {
        formattedText(ctx.params, "text", "entities");
        replyMarkup(ctx.params);
        return true;
      }
      const chat = chatFor(ctx.params);
      const messageId = optionalInteger(ctx.params, "message_id");
      if (messageId === undefined) throw badRequest("message identifier is not specified");
      const text = formattedText(ctx.params, "text", "entities");
      if (text === undefined) throw badRequest("message text is empty");
      const { inline } = replyMarkup(ctx.params);
      const message = findMessage(chat.id, messageId, "message to edit not found");
      if (message !== undefined) {
        if (message.text === undefined) throw badRequest("there is no text in the message to edit");
        if (message.text === text.text && JSON.stringify(message.entities ?? []) === JSON.stringify(text.entities ?? []) && sameMarkup(message.replyMarkup, inline)) {
          throw badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
        }
        message.text = text.text;
        message.rawText = text.raw;
        message.parseMode = text.parseMode;
        message.entities = text.entities;
        message.replyMarkup = inline;
        message.editedAt = ctx.now;
      }
      return {
        ...messageObject(chat, messageId, Math.floor((message?.at ?? ctx.now) / 1000), textBody(text, inline)),
        edit_date: Math.floor(ctx.now / 1000),
      };
    },

    editMessageReplyMarkup: (ctx) => {
      if (optionalString(ctx.params, "inline_message_id") !== undefined) {
        replyMarkup(ctx.params);
        return true;
      }
      const chat = chatFor(ctx.params);
      const messageId = optionalInteger(ctx.params, "message_id");
      if (messageId === undefined) throw badRequest("message identifier is not specified");
      const { inline } = replyMarkup(ctx.params);
      const message = findMessage(chat.id, messageId, "message to edit not found");
      if (message !== undefined) {
        if (sameMarkup(message.replyMarkup, inline)) {
          throw badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
        }
        message.replyMarkup = inline;
        message.editedAt = ctx.now;
      }
      const body: Record<string, unknown> = message?.text !== undefined ? textBody({ text: message.text, raw: message.rawText ?? "", parseMode: undefined, entities: message.entities }, inline) : textBody(undefined, inline);
      if (message?.photoFileId !== undefined && message.caption !== undefined) body.caption = message.caption;
      return { ...messageObject(chat, messageId, Math.floor((message?.at ?? ctx.now) / 1000), body), edit_date: Math.floor(ctx.now / 1000) };
    },

    answerCallbackQuery: (ctx) => {
      const id = optionalString(ctx.params, "callback_query_id");
      if (id === undefined || id === "") throw badRequest("query_id is empty");
      const query = state.callbackQueries.get(id);
      if (query === undefined || query.answered) throw badRequest(QUERY_INVALID);
      const text = optionalString(ctx.params, "text");
      if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
      query.answered = true;
      query.answer = { ...ctx.params };
      return true;
    },

    getChat: (ctx) => {
      const chat = chatFor(ctx.params);
      return {
        ...chatObject(chat),
        accent_color_id: 0,
        max_reaction_count: 11,
        accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false },
      };
    },

    getChatMember: (ctx) => {
      const chat = chatFor(ctx.params);
      const userId = optionalInteger(ctx.params, "user_id");
      if (userId === undefined) throw badRequest("user_id is empty");
      return chatMemberObject(chat.id, userId);
    },

    getChatAdministrators: (ctx) => {
      const chat = chatFor(ctx.params);
      if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
      const members = state.members.get(chat.id) ?? new Map();
      const admins: Record<string, unknown>[] = [];
      for (const [userId, status] of members) {
        if (status === "creator" || status === "administrator") admins.push(chatMemberObject(chat.id, userId));
      }
      return admins;
    },

    getChatMemberCount: (ctx) => {
      const chat = chatFor(ctx.params);
      if (chat.type === "private") return 2;
      let count = 0;
      for (const status of (state.members.get(chat.id) ?? new Map()).values()) {
        if (status !== "left" && status !== "kicked") count += 1;
      }
      return count;
    },

    leaveChat: (ctx) => {
      const chat = chatFor(ctx.params);
      if (chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
      assertCanPost(chat);
      setMemberStatus(state, chat.id, state.botUser.id, "left");
      return true;
    },

    getFile: (ctx) => {
      const id = optionalString(ctx.params, "file_id");
      if (id === undefined || id === "") throw badRequest("file_id is empty");
      const file = state.files.get(id);
      if (file === undefined) throw badRequest("invalid file_id");
      return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.filePath };
    },
  };

  // Telegram matches method names case-insensitively.
  return new Map(Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), handler]));
}

export { ApiError };
