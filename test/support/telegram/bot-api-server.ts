/**
 * A Telegram Bot API server on 127.0.0.1 for tests and benchmarks. Telegram is unreachable from
 * the machines mitreden is built on, so grammY talks to this peer over real HTTP instead
 * (`new Bot(token, { client: { apiRoot: server.url } })`). It answers like Telegram wherever grammY
 * or mitreden's dispatcher can notice: URL shape, body encodings, result/error envelopes, error
 * wording, long polling, limits, and injectable faults.
 *
 * @example
 * const server = createBotApiServer({ botUsername: "mitreden_test_bot" });
 * await server.start();
 * const bot = new Bot(server.token, { client: { apiRoot: server.url } });
 * bot.command("start", (ctx) => ctx.reply("Moin!"));
 * void bot.start();
 * server.userSendsText({ id: 42, first_name: "Anna" }, 42, "/start");
 * const [reply] = await server.waitForMessages((m) => m.chatId === 42);
 * await bot.stop();
 * await server.stop();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Document, Message, MessageEntity, PhotoSize, Update, User } from "grammy/types";
import { imageDimensions, sniffImageType } from "../../../src/core/model/photo.js";
import { ApiError } from "./api-error.js";
import { createMethods, type MethodHandler } from "./bot-api-methods.js";
import { chatObject, createBotApiState, fullUser, nextMessageId, resolveChat, setMemberStatus, storeFile } from "./bot-api-state.js";
import type {
  BotApiServerOptions,
  CallRecord,
  ChatRef,
  MemberStatus,
  SentDocument,
  SentMessage,
  ServerStats,
  StoredFile,
  TestChat,
  TestUser,
  UserPhotoOptions,
} from "./bot-api-types.js";
import { createFaultRegistry, type Faults } from "./faults.js";
import { createRateLimiter } from "./rate-limits.js";
import { BodyParseError, parseRequest, readBody } from "./request-body.js";
import { createUpdateQueue, type UpdateInput } from "./update-queue.js";

export type * from "./bot-api-types.js";
export type { Faults, FaultHandle, FaultMatch } from "./faults.js";
export type { UpdateInput } from "./update-queue.js";

export type MessagePredicate = (message: SentMessage) => boolean;

export interface WaitOptions {
  /** Default 5,000 ms; the promise rejects with what was seen so far. */
  readonly timeoutMs?: number;
  /** Only messages into this chat count. */
  readonly chatId?: number;
  /** With a predicate: how many matching messages to wait for (default 1). */
  readonly count?: number;
}

export interface BotApiServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** apiRoot for grammY (`client.apiRoot`), e.g. `http://127.0.0.1:40123`; only after start(). */
  readonly url: string;
  readonly token: string;
  readonly botUser: User;
  /** Queues an update for getUpdates; keeps a given update_id (redelivery), else assigns the next. */
  pushUpdate(update: UpdateInput): Update;
  /**
   * Queues an update written as raw JSON text, as the Bot API would send it, e.g. with "\u0000"
   * or a lone "\ud800" escape in a string (getUpdates sends such strings escaped again).
   */
  pushRawUpdate(json: string): Update;
  /** A user writes `text` into `chat`; commands get bot_command entities. */
  userSendsText(user: TestUser, chat: ChatRef, text: string): Update;
  /**
   * A user sends a picture into `chat`: as a photo with a thumbnail and the full size (both served
   * by getFile and the file download path), or with `options.document` as a file.
   */
  userSendsPhoto(user: TestUser, chat: ChatRef, bytes: Uint8Array, options?: UserPhotoOptions): Update;
  /** A user presses an inline button under the bot's message `messageId` in `chat`. */
  userPressesButton(user: TestUser, chat: ChatRef, messageId: number, callbackData: string, options?: { forged?: boolean }): Update;
  /** The answerCallbackQuery parameters for a query, or undefined while unanswered. */
  callbackAnswer(callbackQueryId: string): Readonly<Record<string, unknown>> | undefined;
  /** Messages the bot sent (current state, edits applied), oldest first. */
  sentMessages(chatId?: number): SentMessage[];
  /**
   * Resolves once `count` messages were sent in total (or into `chatId`), or once `count` messages
   * match the predicate. Counts include messages sent before the call.
   */
  waitForMessages(countOrPredicate: number | MessagePredicate, options?: WaitOptions): Promise<SentMessage[]>;
  /** Every call with its parameters, oldest first (needs recordCalls). */
  calls(method?: string): CallRecord[];
  /** Registers or updates a chat, e.g. a group with a title or a channel with a username. */
  addChat(chat: TestChat): void;
  setChatMember(chatId: number, userId: number, status: MemberStatus, user?: TestUser): void;
  /** A file the bot uploaded, with its bytes. */
  file(fileId: string): StoredFile | undefined;
  /** The documents the bot sent (into `chatId`), oldest first, with their bytes. */
  documents(chatId?: number): SentDocument[];
  readonly faults: Faults;
  stats(): ServerStats;
  /** Forgets sent messages, call log and counters (not chats, files or faults). */
  clearRecords(): void;
  /** Exceptions inside the server itself (answered as 500); a test should expect none. */
  internalErrors(): readonly Error[];
}

const DEFAULT_TOKEN = "7000000001:AAH-mitreden-loopback-test-token-0001";

interface Waiter {
  readonly check: (newMessage: SentMessage | undefined) => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function commandEntities(text: string): MessageEntity[] | undefined {
  const entities: MessageEntity[] = [];
  const pattern = /(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const offset = match.index + (match[1] as string).length;
    entities.push({ type: "bot_command", offset, length: (match[2] as string).length });
  }
  return entities.length > 0 ? entities : undefined;
}

export function createBotApiServer(options: BotApiServerOptions = {}): BotApiServer {
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(token.split(":")[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0) throw new Error("token must look like <bot id>:<secret>");
  const botUser: User = {
    id: botId,
    is_bot: true,
    first_name: options.botFirstName ?? "mitreden test",
    username: options.botUsername ?? "mitreden_test_bot",
  };
  const recordMessages = options.recordMessages ?? true;
  const recordCalls = options.recordCalls ?? recordMessages;
  const state = createBotApiState(botUser, recordMessages);
  const queue = createUpdateQueue();
  const faults = createFaultRegistry();
  const limiter =
    options.limits === undefined || options.limits === false
      ? undefined
      : createRateLimiter(options.limits === true ? {} : options.limits);

  let callLog: CallRecord[] = [];
  let callCount = 0;
  let fileDownloads = 0;
  let tooMany = 0;
  let rateLimited = 0;
  let errorCount = 0;
  let byMethod = new Map<string, number>();
  let tooManyByMethod = new Map<string, number>();
  let errorsByCode = new Map<string, number>();
  const serverErrors: Error[] = [];
  let waiters: Waiter[] = [];
  let server: Server | undefined;
  let baseUrl: string | undefined;

  function notify(message: SentMessage | undefined): void {
    if (waiters.length === 0) return;
    waiters = waiters.filter((w) => {
      if (!w.check(message)) return true;
      w.resolve();
      return false;
    });
  }

  const methods: Map<string, MethodHandler> = createMethods({
    state,
    queue,
    limiter,
    strictChats: options.strictChats ?? false,
    onSent: notify,
    onRateLimited: () => {
      rateLimited += 1;
    },
  });
  // Stats use the canonical spelling even when a client sends "sendmessage".
  const canonical = new Map<string, string>();
  for (const name of ["getMe", "getUpdates", "deleteWebhook", "getWebhookInfo", "setMyCommands", "getMyCommands", "deleteMyCommands", "sendChatAction", "sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "getChat", "getChatMember", "getChatAdministrators", "getChatMemberCount", "leaveChat", "getFile"]) {
    canonical.set(name.toLowerCase(), name);
  }

  function bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  function send(res: ServerResponse, status: number, payload: unknown): void {
    if (res.destroyed) return;
    const body = JSON.stringify(payload);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }

  function sendError(res: ServerResponse, error: ApiError): void {
    const payload: Record<string, unknown> = { ok: false, error_code: error.errorCode, description: error.description };
    if (error.parameters !== undefined) payload.parameters = error.parameters;
    send(res, error.errorCode, payload);
  }

  function finishCall(record: CallRecord | undefined, method: string, status: number, description?: string): void {
    if (status !== 200) {
      errorCount += 1;
      bump(errorsByCode, String(status));
      if (status === 429) {
        tooMany += 1;
        bump(tooManyByMethod, method);
      }
    }
    if (record !== undefined) {
      record.status = status;
      record.description = description;
    }
  }

  async function serveFile(res: ServerResponse, path: string): Promise<void> {
    const file = state.filesByPath.get(decodeURIComponent(path));
    if (file === undefined) {
      send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.bytes.length });
    res.end(file.bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch !== null) {
      fileDownloads += 1;
      if (fileMatch[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      return serveFile(res, fileMatch[2] as string);
    }
    const match = /^\/bot([^/]+)\/([A-Za-z0-9_]*)\/?$/.exec(url.pathname);
    if (match === null) return send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const requested = match[2] as string;
    const key = requested.toLowerCase();
    const method = canonical.get(key) ?? requested;
    const now = Date.now();
    callCount += 1;
    bump(byMethod, method);

    let body: Buffer;
    let parsed: ReturnType<typeof parseRequest>;
    try {
      body = await readBody(req);
      parsed = parseRequest(req.headers["content-type"], url.searchParams, body);
    } catch (error) {
      const description = error instanceof BodyParseError ? error.message : "Bad Request: can't read request";
      finishCall(undefined, method, 400, description);
      return sendError(res, new ApiError(400, description));
    }
    const record: CallRecord | undefined = recordCalls ? { method, params: parsed.params, at: now, status: 0, description: undefined } : undefined;
    if (record !== undefined) callLog.push(record);

    const handler = methods.get(key);
    if (handler === undefined) {
      finishCall(record, method, 404, "Not Found: method not found");
      return sendError(res, new ApiError(404, "Not Found: method not found"));
    }

    const rawChat = parsed.params.chat_id;
    const chatId = typeof rawChat === "number" ? rawChat : typeof rawChat === "string" && rawChat !== "" ? (Number.isInteger(Number(rawChat)) ? Number(rawChat) : rawChat) : undefined;
    for (const effect of faults.effectsFor(method, chatId, now)) {
      if (effect.kind === "delay") {
        await new Promise((resolve) => setTimeout(resolve, effect.ms));
      } else if (effect.kind === "drop") {
        finishCall(record, method, 0, "connection dropped");
        req.socket.destroy();
        return;
      } else {
        finishCall(record, method, effect.error.errorCode, effect.error.description);
        return sendError(res, effect.error);
      }
    }

    try {
      const result = await handler({
        params: parsed.params,
        files: parsed.files,
        now: Date.now(),
        onClose: (cancel) => res.once("close", cancel),
      });
      finishCall(record, method, 200);
      send(res, 200, { ok: true, result });
    } catch (error) {
      if (error instanceof ApiError) {
        finishCall(record, method, error.errorCode, error.description);
        return sendError(res, error);
      }
      serverErrors.push(error instanceof Error ? error : new Error(String(error)));
      finishCall(record, method, 500, "Internal Server Error");
      sendError(res, new ApiError(500, "Internal Server Error"));
    }
  }

  function messagesIn(chatId: number | undefined): SentMessage[] {
    if (chatId === undefined) return state.sent.slice();
    return [...(state.messagesByChat.get(chatId)?.values() ?? [])];
  }

  /** A message from `user` into `chat`, with the fields every user message has. */
  function userMessage(user: TestUser, chatRef: ChatRef, content: Record<string, unknown>): Record<string, unknown> {
    const from = rememberUser(user);
    const chat = resolveChat(state, chatRef, user);
    return { message_id: nextMessageId(state, chat.id), from, chat: chatObject(chat), date: Math.floor(Date.now() / 1000), ...content };
  }

  function pushUserMessage(message: Record<string, unknown>): Update {
    // Channel posts have no sender and arrive as channel_post.
    if ((message.chat as { type?: string }).type === "channel") {
      delete message.from;
      return queue.push({ channel_post: message as unknown as Message } as UpdateInput);
    }
    return queue.push({ message: message as unknown as Message } as UpdateInput);
  }

  function rememberUser(user: TestUser): User {
    state.users.set(user.id, { ...state.users.get(user.id), ...user });
    return fullUser(state.users.get(user.id) as TestUser);
  }

  return {
    get url() {
      if (baseUrl === undefined) throw new Error("BotApiServer.url is only known after start()");
      return baseUrl;
    },
    token,
    botUser,
    faults,

    async start() {
      if (server !== undefined) return;
      const s = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => {
          serverErrors.push(error instanceof Error ? error : new Error(String(error)));
          if (!res.headersSent) sendError(res, new ApiError(500, "Internal Server Error"));
        });
      });
      // grammY keeps connections alive; outlasting its idle sockets avoids resets between calls.
      s.keepAliveTimeout = 65_000;
      s.headersTimeout = 66_000;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(options.port ?? 0, "127.0.0.1", () => {
          s.off("error", reject);
          resolve();
        });
      });
      server = s;
      baseUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    },

    async stop() {
      const s = server;
      if (s === undefined) return;
      server = undefined;
      queue.releaseWaiter();
      for (const w of waiters) w.reject(new Error("Bot API server stopped"));
      waiters = [];
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },

    pushUpdate(update) {
      return queue.push(update);
    },

    pushRawUpdate(json) {
      const update = JSON.parse(json) as UpdateInput;
      // A button press can be answered once, like one from userPressesButton.
      const queryId = update.callback_query?.id;
      if (typeof queryId === "string" && !state.callbackQueries.has(queryId)) state.callbackQueries.set(queryId, { answered: false });
      return queue.push(update);
    },

    userSendsText(user, chatRef, text) {
      const message = userMessage(user, chatRef, { text });
      const entities = commandEntities(text);
      if (entities !== undefined) message.entities = entities;
      return pushUserMessage(message);
    },

    userSendsPhoto(user, chatRef, picture, photoOptions = {}) {
      const bytes = Buffer.from(picture);
      const mimeType = sniffImageType(bytes);
      const ext = mimeType === "image/png" ? "png" : "jpg";
      const full = imageDimensions(bytes) ?? { w: 1280, h: 960 };
      // Telegram's smallest size is at most 90 px on its longer side.
      const scale = Math.min(1, 90 / Math.max(full.w, full.h));
      const thumbBytes = Buffer.from(photoOptions.thumbnail ?? bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 4))));
      const thumbFile = storeFile(state, thumbBytes, { ext: "jpg" });
      const thumbnail: PhotoSize = {
        file_id: thumbFile.fileId,
        file_unique_id: thumbFile.fileUniqueId,
        width: Math.max(1, Math.round(full.w * scale)),
        height: Math.max(1, Math.round(full.h * scale)),
        file_size: thumbBytes.length,
      };
      const declared = photoOptions.declaredBytes ?? bytes.length;
      const body: Record<string, unknown> = {};
      if (photoOptions.document === undefined) {
        const file = storeFile(state, bytes, { ext: "jpg" });
        const largest: PhotoSize = { file_id: file.fileId, file_unique_id: file.fileUniqueId, width: full.w, height: full.h, file_size: declared };
        body.photo = [thumbnail, largest];
      } else {
        const fileName = photoOptions.document.fileName ?? `IMG_${state.nextFileNumber}.${ext}`;
        const file = storeFile(state, bytes, { ext: fileName.includes(".") ? (fileName.split(".").pop() as string) : ext, folder: "documents", filename: fileName });
        const document: Document = {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          thumbnail,
          file_name: fileName,
          mime_type: photoOptions.document.mimeType ?? mimeType ?? "application/octet-stream",
          file_size: declared,
        };
        body.document = document;
      }
      if (photoOptions.caption !== undefined) body.caption = photoOptions.caption;
      return pushUserMessage(userMessage(user, chatRef, body));
    },

    userPressesButton(user, chatRef, messageId, callbackData, pressOptions = {}) {
      const from = rememberUser(user);
      const chat = resolveChat(state, chatRef, user);
      const sent = state.messagesByChat.get(chat.id)?.get(messageId);
      if (state.recordMessages && sent === undefined) {
        throw new Error(`userPressesButton: the bot sent no message ${messageId} into chat ${chat.id}`);
      }
      // A hostile client can send any callback data under any of the bot's messages.
      if (sent !== undefined && pressOptions.forged !== true) {
        const buttons = sent.replyMarkup?.inline_keyboard.flat() ?? [];
        if (!buttons.some((b) => "callback_data" in b && b.callback_data === callbackData)) {
          throw new Error(`userPressesButton: message ${messageId} in chat ${chat.id} has no button with data ${JSON.stringify(callbackData)}`);
        }
      }
      const id = `${botId}${String(state.nextCallbackNumber++).padStart(9, "0")}`;
      state.callbackQueries.set(id, { answered: false });
      const message: Record<string, unknown> = {
        message_id: messageId,
        from: fullUser(botUser),
        chat: chatObject(chat),
        date: Math.floor((sent?.at ?? Date.now()) / 1000),
      };
      if (sent?.text !== undefined) message.text = sent.text;
      if (sent?.entities !== undefined) message.entities = sent.entities;
      if (sent?.caption !== undefined) message.caption = sent.caption;
      if (sent?.replyMarkup !== undefined) message.reply_markup = sent.replyMarkup;
      if (sent?.editedAt !== undefined) message.edit_date = Math.floor(sent.editedAt / 1000);
      return queue.push({
        callback_query: {
          id,
          from,
          message: message as unknown as Message,
          chat_instance: String(BigInt(chat.id) * 7919n + BigInt(botId)),
          data: callbackData,
        },
      } as UpdateInput);
    },

    callbackAnswer(callbackQueryId) {
      return state.callbackQueries.get(callbackQueryId)?.answer;
    },

    sentMessages(chatId) {
      return messagesIn(chatId);
    },

    waitForMessages(countOrPredicate, waitOptions = {}) {
      const { chatId, timeoutMs = 5_000 } = waitOptions;
      let check: (m: SentMessage | undefined) => boolean;
      let result: () => SentMessage[];
      let describe: () => string;
      if (typeof countOrPredicate === "number") {
        const wanted = countOrPredicate;
        if (!recordMessages && chatId !== undefined) {
          return Promise.reject(new Error("waitForMessages by chat needs recordMessages: true"));
        }
        const seen = () => (chatId === undefined ? state.messagesSent : (state.messagesByChat.get(chatId)?.size ?? 0));
        check = () => seen() >= wanted;
        result = () => messagesIn(chatId);
        describe = () => `${wanted} messages${chatId === undefined ? "" : ` in chat ${chatId}`}, saw ${seen()}`;
      } else {
        if (!recordMessages) return Promise.reject(new Error("waitForMessages with a predicate needs recordMessages: true"));
        const predicate = countOrPredicate;
        const wanted = waitOptions.count ?? 1;
        const matches = new Set<SentMessage>();
        const consider = (m: SentMessage) => {
          if ((chatId === undefined || m.chatId === chatId) && predicate(m)) matches.add(m);
        };
        for (const m of state.sent) consider(m);
        check = (m) => {
          if (m !== undefined) consider(m);
          return matches.size >= wanted;
        };
        result = () => [...matches];
        describe = () => `${wanted} matching messages${chatId === undefined ? "" : ` in chat ${chatId}`}, saw ${matches.size} of ${state.sent.length} sent`;
      }
      if (check(undefined)) return Promise.resolve(result());
      return new Promise<SentMessage[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const last = state.sent.slice(-3).map((m) => `${m.chatId}#${m.messageId}: ${JSON.stringify(m.text ?? m.caption ?? "")}`);
          reject(new Error(`waitForMessages timed out after ${timeoutMs} ms waiting for ${describe()}; last sent: ${last.join(" | ") || "none"}`));
        }, timeoutMs);
        const waiter: Waiter = {
          check,
          resolve: () => {
            clearTimeout(timer);
            resolve(result());
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        waiters.push(waiter);
      });
    },

    calls(method) {
      if (method === undefined) return callLog.slice();
      const wanted = method.toLowerCase();
      return callLog.filter((c) => c.method.toLowerCase() === wanted);
    },

    addChat(chat) {
      resolveChat(state, chat);
    },

    setChatMember(chatId, userId, status, user) {
      if (user !== undefined) rememberUser(user);
      setMemberStatus(state, chatId, userId, status);
    },

    file(fileId) {
      return state.files.get(fileId);
    },

    documents(chatId) {
      return messagesIn(chatId).flatMap((m) => {
        const stored = m.document === undefined ? undefined : state.files.get(m.document.fileId);
        if (m.document === undefined || stored === undefined) return [];
        return [{ ...m.document, chatId: m.chatId, messageId: m.messageId, caption: m.caption, bytes: stored.bytes }];
      });
    },

    stats() {
      return {
        calls: callCount,
        fileDownloads,
        messagesSent: state.messagesSent,
        tooManyRequests: tooMany,
        rateLimited,
        errors: errorCount,
        byMethod: Object.fromEntries(byMethod),
        tooManyRequestsByMethod: Object.fromEntries(tooManyByMethod),
        errorsByCode: Object.fromEntries(errorsByCode),
      };
    },

    clearRecords() {
      callLog = [];
      callCount = 0;
      fileDownloads = 0;
      tooMany = 0;
      rateLimited = 0;
      errorCount = 0;
      byMethod = new Map();
      tooManyByMethod = new Map();
      errorsByCode = new Map();
      state.sent.length = 0;
      state.messagesByChat.clear();
      state.messagesSent = 0;
    },

    internalErrors() {
      return serverErrors;
    },
  };
}
