/**
 * Shapes shared by the loopback Bot API server's parts and its test-facing control API.
 */
import type { ChatMember, InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import type { RateLimitOptions, ChatKind } from "./rate-limits.js";

export type { ChatKind };

/** A Telegram user as tests describe one; missing names are filled in. */
export interface TestUser {
  readonly id: number;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly language_code?: string;
  readonly is_bot?: boolean;
}

/** A chat as tests describe one. A bare number means a known chat or, if unknown, one inferred from the id. */
export interface TestChat {
  readonly id: number;
  readonly type: ChatKind;
  readonly title?: string;
  readonly username?: string;
  readonly first_name?: string;
  readonly last_name?: string;
}

export type ChatRef = TestChat | number;

export type MemberStatus = ChatMember["status"];

/** One message the bot sent, kept as the current state of that message (edits update it). */
export interface SentMessage {
  readonly method: string;
  readonly chatId: number;
  readonly messageId: number;
  text: string | undefined;
  /** The raw text as the bot sent it, before HTML was turned into entities. */
  rawText: string | undefined;
  parseMode: string | undefined;
  entities: MessageEntity[] | undefined;
  replyMarkup: InlineKeyboardMarkup | undefined;
  readonly caption: string | undefined;
  /** For photos: the stored file's id, so `fileBytes(fileId)` returns the upload. */
  readonly photoFileId: string | undefined;
  /** For documents: the stored file and the name and type Telegram shows (see `documents()`). */
  readonly document?: SentDocumentInfo;
  readonly paidBroadcast: boolean;
  /** Milliseconds since the epoch when the server accepted it. */
  readonly at: number;
  editedAt: number | undefined;
}

/** A document as Telegram describes it in the message: `file(fileId)` returns its bytes. */
export interface SentDocumentInfo {
  readonly fileId: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly size: number;
}

/** A document the bot sent, with its bytes, for tests to read what arrived. */
export interface SentDocument extends SentDocumentInfo {
  readonly chatId: number;
  readonly messageId: number;
  readonly caption: string | undefined;
  readonly bytes: Buffer;
}

/** One API call as the server saw it. */
export interface CallRecord {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly at: number;
  /** HTTP status answered; 0 when the connection was dropped on purpose. */
  status: number;
  description: string | undefined;
}

export interface StoredFile {
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly filePath: string;
  readonly bytes: Buffer;
  readonly filename: string | undefined;
}

/** How a user's picture reaches the bot (see `userSendsPhoto`). */
export interface UserPhotoOptions {
  /** The text typed beside the picture. */
  readonly caption?: string;
  /**
   * Sent "as file" instead of as a photo: a `document` with this MIME type (by default what the
   * bytes look like, else application/octet-stream, as clients guess from the extension).
   */
  readonly document?: { readonly mimeType?: string; readonly fileName?: string };
  /** The file_size the update announces for the full picture instead of the real length, e.g. above 5 MB. */
  readonly declaredBytes?: number;
  /**
   * Bytes of the small size. By default the first quarter of the picture: not the same bytes, so
   * a bot that downloads the thumbnail instead of the full size is caught.
   */
  readonly thumbnail?: Uint8Array;
}

export interface ServerStats {
  readonly calls: number;
  /** Requests for `/file/bot<token>/<path>` (downloads are not Bot API calls). */
  readonly fileDownloads: number;
  readonly messagesSent: number;
  readonly tooManyRequests: number;
  /** 429s that came from `limits` enforcement (as opposed to injected faults). */
  readonly rateLimited: number;
  readonly errors: number;
  readonly byMethod: Readonly<Record<string, number>>;
  readonly tooManyRequestsByMethod: Readonly<Record<string, number>>;
  readonly errorsByCode: Readonly<Record<string, number>>;
}

export interface BotApiServerOptions {
  /** `<bot id>:<secret>`; the id becomes the bot user's id. */
  readonly token?: string;
  readonly botUsername?: string;
  readonly botFirstName?: string;
  /** Keep every sent message (default true); false keeps only counters, for benchmarks. */
  readonly recordMessages?: boolean;
  /** Keep a log of every call with its parameters (default: same as recordMessages). */
  readonly recordCalls?: boolean;
  /** Enforce Telegram's broadcast limits; true uses the documented defaults. */
  readonly limits?: boolean | RateLimitOptions;
  /** Reject sends to chats the server does not know with "chat not found" (default false). */
  readonly strictChats?: boolean;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
}

export type { InlineKeyboardMarkup };
