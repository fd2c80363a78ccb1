/**
 * What the loopback Bot API server remembers: chats and memberships, messages the bot sent,
 * uploaded files, open callback queries and registered commands. Kept cheap per message because a
 * benchmark pushes 100,000 sends through it.
 */
import type { Chat, User } from "grammy/types";
import type { ChatKind, ChatRef, MemberStatus, SentMessage, StoredFile, TestChat, TestUser } from "./bot-api-types.js";

export interface BotApiState {
  readonly botUser: User;
  readonly recordMessages: boolean;
  readonly chats: Map<number, TestChat>;
  /** chatId → userId → status. */
  readonly members: Map<number, Map<number, MemberStatus>>;
  readonly users: Map<number, TestUser>;
  /** chatId → last message id used in that chat (by users or the bot). */
  readonly lastMessageId: Map<number, number>;
  /** chatId → messageId → message, only when recording. */
  readonly messagesByChat: Map<number, Map<number, SentMessage>>;
  readonly sent: SentMessage[];
  readonly files: Map<string, StoredFile>;
  readonly filesByPath: Map<string, StoredFile>;
  /** callback query id → answered yet? */
  readonly callbackQueries: Map<string, { answered: boolean; answer?: Record<string, unknown> }>;
  /** `${scope key}|${language}` → commands. */
  readonly commands: Map<string, unknown[]>;
  /** Chats the bot left via leaveChat. */
  readonly leftChats: Set<number>;
  messagesSent: number;
  nextFileNumber: number;
  nextCallbackNumber: number;
}

export function createBotApiState(botUser: User, recordMessages: boolean): BotApiState {
  return {
    botUser,
    recordMessages,
    chats: new Map(),
    members: new Map(),
    users: new Map(),
    lastMessageId: new Map(),
    messagesByChat: new Map(),
    sent: [],
    files: new Map(),
    filesByPath: new Map(),
    callbackQueries: new Map(),
    commands: new Map(),
    leftChats: new Set(),
    messagesSent: 0,
    nextFileNumber: 1,
    nextCallbackNumber: 1,
  };
}

/** Telegram's id conventions: users positive, basic groups negative, supergroups/channels -100…. */
export function inferChatKind(id: number): ChatKind {
  if (id > 0) return "private";
  return String(id).startsWith("-100") ? "supergroup" : "group";
}

export function resolveChat(state: BotApiState, ref: ChatRef, user?: TestUser): TestChat {
  if (typeof ref !== "number") {
    const known = state.chats.get(ref.id);
    const merged: TestChat = { ...known, ...ref };
    state.chats.set(ref.id, merged);
    return merged;
  }
  const known = state.chats.get(ref);
  if (known !== undefined) return known;
  const kind = inferChatKind(ref);
  const chat: TestChat =
    kind === "private"
      ? { id: ref, type: "private", first_name: user?.id === ref ? fullUser(user).first_name : `User ${ref}` }
      : { id: ref, type: kind, title: `Chat ${ref}` };
  state.chats.set(ref, chat);
  return chat;
}

export function fullUser(user: TestUser): User {
  const out: User = {
    id: user.id,
    is_bot: user.is_bot ?? false,
    first_name: user.first_name ?? `User ${user.id}`,
  };
  if (user.last_name !== undefined) out.last_name = user.last_name;
  if (user.username !== undefined) out.username = user.username;
  if (user.language_code !== undefined) out.language_code = user.language_code;
  return out;
}

/** The `chat` object inside messages: only the fields Telegram includes there. */
export function chatObject(chat: TestChat): Chat {
  if (chat.type === "private") {
    const out: Record<string, unknown> = { id: chat.id, type: "private", first_name: chat.first_name ?? `User ${chat.id}` };
    if (chat.last_name !== undefined) out.last_name = chat.last_name;
    if (chat.username !== undefined) out.username = chat.username;
    return out as unknown as Chat;
  }
  const out: Record<string, unknown> = { id: chat.id, type: chat.type, title: chat.title ?? `Chat ${chat.id}` };
  if (chat.username !== undefined) out.username = chat.username;
  if (chat.type === "supergroup") out.is_forum = false;
  return out as unknown as Chat;
}

/** Telegram's file ids start with a tag for the kind of file; only the look matters here. */
const FILE_ID_PREFIX = { photos: "AgACAgIAAxkBAAI", documents: "BQACAgIAAxkBAAI" } as const;

/**
 * Keeps a file as Telegram does: an id to send it again with, and a path under which getFile and
 * `/file/bot<token>/<path>` serve its bytes. Used for the bot's uploads and for users' pictures.
 */
export function storeFile(state: BotApiState, bytes: Buffer, options: { readonly ext: string; readonly folder?: keyof typeof FILE_ID_PREFIX; readonly filename?: string | undefined }): StoredFile {
  const n = state.nextFileNumber++;
  const folder = options.folder ?? "photos";
  const file: StoredFile = {
    fileId: `${FILE_ID_PREFIX[folder]}${n.toString(36).padStart(6, "0")}`,
    fileUniqueId: `AQAD${n.toString(36).padStart(4, "0")}`,
    filePath: `${folder}/file_${n}.${options.ext}`,
    bytes,
    filename: options.filename,
  };
  state.files.set(file.fileId, file);
  state.filesByPath.set(file.filePath, file);
  return file;
}

export function nextMessageId(state: BotApiState, chatId: number): number {
  const id = (state.lastMessageId.get(chatId) ?? 0) + 1;
  state.lastMessageId.set(chatId, id);
  return id;
}

export function memberStatus(state: BotApiState, chatId: number, userId: number): MemberStatus {
  const status = state.members.get(chatId)?.get(userId);
  if (status !== undefined) return status;
  // Private chats: both sides are members; elsewhere an unknown user has not joined.
  const chat = state.chats.get(chatId);
  if ((chat?.type ?? inferChatKind(chatId)) === "private" && (userId === chatId || userId === state.botUser.id)) {
    return "member";
  }
  if (userId === state.botUser.id) return state.leftChats.has(chatId) ? "left" : "member";
  return "left";
}

export function setMemberStatus(state: BotApiState, chatId: number, userId: number, status: MemberStatus): void {
  let chat = state.members.get(chatId);
  if (chat === undefined) {
    chat = new Map();
    state.members.set(chatId, chat);
  }
  chat.set(userId, status);
  if (userId === state.botUser.id) {
    if (status === "left" || status === "kicked") state.leftChats.add(chatId);
    else state.leftChats.delete(chatId);
  }
}
