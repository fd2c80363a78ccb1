import { createHash } from "node:crypto";
import type { ConversationCore, HandleResult } from "../../core/conversation/conversation-core.js";
import type { InboundEvent, InboundPayload } from "../../core/model/inbound-event.js";
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, type Locale } from "../../core/model/locale.js";
import type { OutboundMessage } from "../../core/model/outbound-message.js";
import type { InboundPhoto } from "../../core/model/photo.js";
import type { ChannelSender } from "../../core/ports/channel-sender.js";
import type { Logger } from "../../core/ports/logger.js";
import type { Translator } from "../../core/ports/translator.js";
import type { KeyValueStore } from "../../storage/stores/key-value-store.js";
import type { QuarantineStore } from "../../storage/stores/quarantine-store.js";
import { errorReason, quarantineEvent } from "../quarantine-event.js";
import { htmlToPlain } from "../../core/render/plain-text.js";
import { receivePhoto } from "../receive-photo.js";
import { cryptoAvailable, cryptoLoadError } from "./crypto-module.js";
import { inboundMedia, type InboundMedia } from "./inbound-media.js";
import { inboundText } from "./inbound-text.js";
import { bridgeSdkLogs, createCryptoStore, decryptAttachment, loadMatrixSdk, type MatrixSdk } from "./load-sdk.js";
import { withRateLimitRetry } from "./matrix-errors.js";
import { resolveAccessToken, type MatrixCredentials } from "./matrix-login.js";
import { createMatrixSender } from "./matrix-sender.js";
import { createMatrixStorage } from "./matrix-storage.js";
import { createMediaDownloader, type MediaDownloader } from "./media-download.js";
import { createMatrixTransport, type MatrixTransport } from "./matrix-transport.js";
import { MATRIX_CAPABILITIES } from "./render-message.js";
import { ADMIN_POWER_LEVEL, createRoomInfoCache, powerLevelOf, type RoomInfo, type RoomInfoCache } from "./room-info.js";
import { createSyncLoop, type RawEvent, type RoomSignal, type SyncingClient, type SyncLoop, type SyncResponse } from "./sync-loop.js";

export interface MatrixChannelOptions {
  readonly core: ConversationCore;
  readonly translator: Translator;
  readonly logger: Logger;
  readonly homeserverUrl: string;
  readonly credentials: MatrixCredentials;
  /** Where the sync token, filter and session live (the KeyValue table). */
  readonly storage: KeyValueStore;
  /** What starts a command in Matrix ("/" is taken by the clients themselves). Default "!". */
  readonly commandPrefix?: string;
  /** Directory for the end-to-end encryption store; encryption runs only with it and the native library. */
  readonly cryptoStoreDir?: string;
  /** Events per room in one /sync page (older ones are backfilled). Default 50. */
  readonly timelineLimit?: number;
  /** Long-poll time of /sync. Default 30 s. */
  readonly pollTimeoutMs?: number;
  /** Rooms handled at the same time. Default 8. */
  readonly roomConcurrency?: number;
  /** Shortest time between two "I cannot read encrypted messages" notices in one room. Default 10 min. */
  readonly encryptedNoticeIntervalMs?: number;
  /**
   * Called after an inbound event was handled and its replies sent (also for duplicates, with 0),
   * with the core's event id ("matrix:$…", or "matrix:invite:<room>" for the greeting on joining).
   */
  readonly onEventHandled?: (eventId: string, replies: number) => void;
  /** Where events whose handling failed are set aside for admins; without it they are only logged. */
  readonly quarantine?: QuarantineStore;
}

export interface MatrixChannel {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The outbox dispatcher's sender; sends wait for start() and report "transient" before it. */
  readonly sender: ChannelSender;
  /** The bot's own user id (after start). */
  userId(): string;
  /** Whether end-to-end encryption runs in this process (after start). */
  encryptionEnabled(): boolean;
  /** Resolves once the next sync batch has been handled completely (tests, health checks). */
  nextBatch(): Promise<void>;
}

interface Running {
  readonly client: SyncingClient;
  readonly userId: string;
  readonly transport: MatrixTransport;
  readonly rooms: RoomInfoCache;
  readonly media: MediaDownloader;
}

interface Started {
  readonly r: Running;
  readonly loop: SyncLoop;
}

const STATE_CHANGES = new Set(["m.room.member", "m.room.power_levels", "m.room.encryption"]);

/** A room with the bot and one resident is their private chat; anything larger is a group. */
const isPrivateRoom = (info: RoomInfo): boolean => info.members.size <= 2;

/** A transaction id derived from an inbound event, so replies to a replayed event are not shown twice. */
const replyTxn = (eventId: string, index: number): string =>
  `r.${createHash("sha256").update(eventId).digest("base64url").slice(0, 22)}.${index}`;

function syncingClientClass(sdk: MatrixSdk) {
  return class SyncingMatrixClient extends sdk.MatrixClient implements SyncingClient {
    /** The SDK's event processing (decryption, event emission) fed with a sync response of ours. */
    processSyncResponse(raw: SyncResponse, emit: (name: string, ...payload: unknown[]) => Promise<unknown>): Promise<void> {
      return this.processSync(raw, emit);
    }
  };
}

/**
 * The Matrix channel: joins rooms it is invited to, treats two-member rooms as private chats,
 * passes text, numbered replies and pictures sent in private chats to the core and sends its
 * answers as HTML with a plain body.
 *
 * @example
 * const matrix = createMatrixChannel({
 *   core, translator, logger, homeserverUrl: "https://matrix.example.org",
 *   credentials: { accessToken: process.env.MATRIX_ACCESS_TOKEN! }, storage: stores.keyValues,
 * });
 * await matrix.start();
 */
export function createMatrixChannel(options: MatrixChannelOptions): MatrixChannel {
  const log = options.logger.child({ channel: "matrix" });
  const prefix = options.commandPrefix ?? "!";
  const noticeInterval = options.encryptedNoticeIntervalMs ?? 10 * 60_000;
  const lastNotice = new Map<string, number>();
  let running: Started | undefined;
  let ready: Promise<Started> | undefined;

  const retry = <T>(work: () => Promise<T>): Promise<T> =>
    withRateLimitRetry(work, { onWait: (ms, attempt) => log.info({ ms, attempt }, "matrix rate limit; waiting as asked") });

  async function send(r: Running, roomId: string, message: OutboundMessage, txnBase: string, locale?: Locale): Promise<void> {
    await retry(() => r.transport.sendOutbound(roomId, message, txnBase, locale));
  }

  /** A deep-link choice cannot open a direct chat on Matrix, so its line names the command to send there. */
  const deepLinkLine = (locale: Locale | undefined) => (label: string, payload: string) =>
    htmlToPlain(options.translator.t(locale ?? DEFAULT_LOCALE, "matrix:deep-link-choice", { label, command: `${prefix}start ${payload}` }));

  /** The notice in every language: the bot cannot know the resident's language before reading them. */
  function allLanguages(key: string): OutboundMessage {
    const parts = SUPPORTED_LOCALES.map((locale: Locale) => options.translator.t(locale, key));
    return { html: parts.join("\n\n———\n\n") };
  }

  async function explainEncryption(r: Running, roomId: string, reason: string): Promise<void> {
    const now = Date.now();
    const last = lastNotice.get(roomId);
    if (last !== undefined && now - last < noticeInterval) return;
    lastNotice.set(roomId, now);
    log.warn({ roomId, reason, cryptoError: cryptoLoadError() }, "encrypted matrix room without encryption support; explaining to the room");
    await send(r, roomId, allLanguages("matrix:encrypted-unsupported"), `e2ee.${now}`);
  }

  /** `raw` is the Matrix event behind `event`, kept in the quarantine when handling fails. */
  async function deliver(r: Running, roomId: string, event: InboundEvent, txnSeed: string, raw: RawEvent): Promise<void> {
    let result: HandleResult | undefined;
    try {
      result = await options.core.handle(event, MATRIX_CAPABILITIES);
      for (const [index, message] of result.messages.entries()) await send(r, roomId, message, replyTxn(txnSeed, index), result.locale);
      options.onEventHandled?.(event.eventId, result.messages.length);
    } catch (error) {
      log.error({ err: error, roomId, eventId: event.eventId, sender: event.senderId }, "handling a matrix event failed");
      if (options.quarantine) {
        await quarantineEvent(options.quarantine, log, {
          channel: "matrix",
          instance: r.userId,
          eventId: raw.event_id ?? event.eventId,
          reason: errorReason("handling failed", error),
          payload: { room_id: roomId, ...raw },
        });
      }
      const locale = result?.locale ?? (await options.core.localeFor(event.senderId, event.localeHint));
      const apology = { html: options.translator.t(locale, "common:apology") };
      try {
        await send(r, roomId, apology, replyTxn(`${txnSeed}:apology`, 0));
      } catch (sendError) {
        log.error({ err: sendError, roomId }, "could not send the apology either");
      }
      options.onEventHandled?.(event.eventId, 1);
    }
  }

  async function inboundEvent(r: Running, roomId: string, sender: string, eventId: string, payload: InboundPayload): Promise<InboundEvent> {
    const info = await r.rooms.get(roomId);
    const senderName = info.members.get(sender);
    // Only a room of the bot and this very sender is where to reach them later.
    const own = info.members.has(sender) && [...info.members.keys()].every((member) => member === sender || member === r.userId);
    return {
      eventId: `matrix:${eventId}`,
      channel: "matrix",
      chat: { id: roomId, kind: isPrivateRoom(info) ? "private" : "group" },
      ...(own && isPrivateRoom(info) ? { trustedPrivateChatId: roomId } : {}),
      senderId: `matrix:${sender}`,
      ...(senderName ? { senderName } : {}),
      senderIsChatAdmin: powerLevelOf(info.powerLevels, sender) >= ADMIN_POWER_LEVEL,
      payload,
      receivedAt: new Date(),
      // Matrix only delivers an event twice when a batch is synced again after a crash or a failed
      // batch; replies reuse transaction ids derived from the event, so a resent one is not shown twice.
      redelivered: true,
    };
  }

  /** Fetches (and where needed decrypts) a resident's picture; every failure becomes a status. */
  async function fetchPhoto(r: Running, media: InboundMedia): Promise<InboundPhoto> {
    if (media.kind === "refuse") return { status: media.status };
    const { location, encryptedFile } = media;
    // Without encryption running there is no key material to use; the ciphertext is useless.
    if (encryptedFile && !r.client.crypto) return { status: "unavailable" };
    return receivePhoto(
      {
        declaredBytes: media.declaredBytes,
        async download(signal, maxBytes) {
          const bytes = await r.media.download(location, signal, maxBytes);
          return encryptedFile ? decryptAttachment(bytes, encryptedFile) : bytes;
        },
      },
      log,
    );
  }

  async function onPicture(r: Running, roomId: string, raw: RawEvent, eventId: string, media: InboundMedia): Promise<void> {
    const { sender } = raw;
    // The core ignores pictures in groups; not fetching them spares the homeserver and the bot.
    if (!isPrivateRoom(await r.rooms.get(roomId))) return;
    const photo = await fetchPhoto(r, media);
    log.info({ roomId, eventId, status: photo.status }, "received a picture in a private chat");
    const caption = media.caption === undefined ? {} : { caption: media.caption };
    const inbound = await inboundEvent(r, roomId, sender, eventId, { type: "photo", photo, ...caption });
    return deliver(r, roomId, inbound, eventId, raw);
  }

  async function onInvite(r: Running, roomId: string, invite: RawEvent): Promise<void> {
    await retry(() => r.client.joinRoom(roomId));
    r.rooms.invalidate(roomId);
    const info = await r.rooms.get(roomId);
    log.info({ roomId, inviter: invite.sender, members: info.members.size, encrypted: info.encrypted }, "joined a matrix room");
    if (info.encrypted && !r.client.crypto) return explainEncryption(r, roomId, "joined");
    if (info.members.size > 2) return;
    // A resident who already wrote before the bot joined is answered through the sync; greeting
    // as well would start onboarding twice.
    const recent = (await r.client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, {
      dir: "b",
      limit: 20,
    })) as { chunk?: RawEvent[] };
    if ((recent.chunk ?? []).some((e) => e.type === "m.room.message" && e.sender !== r.userId)) return;
    const greeting = await inboundEvent(r, roomId, invite.sender, `invite:${roomId}`, { type: "text", text: "/start" });
    await deliver(r, roomId, greeting, `invite:${roomId}`, invite);
  }

  async function onSignal(r: Running, roomId: string, signal: RoomSignal, initialSync: boolean): Promise<void> {
    const { event } = signal;
    if (event.sender === r.userId && signal.kind !== "leave") return;
    switch (signal.kind) {
      case "invite":
        return onInvite(r, roomId, event);
      case "leave":
        r.rooms.invalidate(roomId);
        return;
      case "failed-decryption":
        log.warn({ roomId, eventId: event.event_id, err: signal.error }, "could not decrypt a matrix event");
        if (!initialSync) {
          const locale = await options.core.localeFor(`matrix:${event.sender}`, undefined);
          await send(r, roomId, { html: options.translator.t(locale, "matrix:decryption-failed") }, replyTxn(event.event_id ?? "", 0));
        }
        return;
      case "event":
        if (STATE_CHANGES.has(event.type)) r.rooms.invalidate(roomId);
        if (event.type === "m.room.encrypted" && !r.client.crypto && !initialSync) {
          return explainEncryption(r, roomId, "encrypted message");
        }
        return;
      case "message": {
        // The first sync of a new installation shows old history; it is not answered.
        if (initialSync || !event.event_id) return;
        const text = inboundText(event, prefix);
        if (text === undefined) {
          const media = inboundMedia(event);
          return media ? onPicture(r, roomId, event, event.event_id, media) : undefined;
        }
        const inbound = await inboundEvent(r, roomId, event.sender, event.event_id, { type: "text", text });
        return deliver(r, roomId, inbound, event.event_id, event);
      }
    }
  }

  async function boot(): Promise<Started> {
    const sdk = await loadMatrixSdk();
    bridgeSdkLogs(sdk, options.logger);
    const accessToken = await resolveAccessToken(sdk, options.homeserverUrl, options.credentials, options.storage, log);
    const probe = new sdk.MatrixClient(options.homeserverUrl, accessToken);
    const userId = await probe.getUserId();
    const storage = createMatrixStorage(options.storage, userId);
    const cryptoStore = options.cryptoStoreDir ? createCryptoStore(sdk, options.cryptoStoreDir) : undefined;
    const Client = syncingClientClass(sdk);
    const client = new Client(options.homeserverUrl, accessToken, storage, cryptoStore);
    if (client.crypto) await client.crypto.prepare(await client.getJoinedRooms());
    log.info(
      {
        userId,
        encryption: Boolean(client.crypto),
        ...(cryptoAvailable() ? {} : { cryptoUnavailable: cryptoLoadError() }),
      },
      client.crypto ? "matrix channel ready with end-to-end encryption" : "matrix channel ready without end-to-end encryption",
    );
    const r: Running = {
      client,
      userId,
      transport: createMatrixTransport(client, { deepLinkLine }),
      rooms: createRoomInfoCache(client),
      media: createMediaDownloader(options.homeserverUrl, accessToken),
    };
    const loop = createSyncLoop({
      client,
      storage,
      logger: log,
      timelineLimit: options.timelineLimit ?? 50,
      pollTimeoutMs: options.pollTimeoutMs ?? 30_000,
      roomConcurrency: options.roomConcurrency ?? 8,
      handle: async (roomId, signal, { initialSync }) => {
        try {
          await onSignal(r, roomId, signal, initialSync);
        } catch (error) {
          // The error boundary for everything but messages (those apologise in deliver()).
          log.error({ err: error, roomId, kind: signal.kind, eventId: signal.event.event_id }, "handling a matrix signal failed");
        }
      },
    });
    return { r, loop };
  }

  let senderImpl: ChannelSender | undefined;
  const sender: ChannelSender = {
    channel: "matrix",
    numbersChoices: true,
    async send(chatId, message, locale, idempotencyKey) {
      if (!senderImpl) return { kind: "transient", reason: "matrix channel not started" };
      return senderImpl.send(chatId, message, locale, idempotencyKey);
    },
  };

  return {
    async start() {
      ready ??= boot();
      running = await ready;
      senderImpl = createMatrixSender({ transport: running.r.transport, logger: log });
      await running.loop.start();
    },
    async stop() {
      await running?.loop.stop();
    },
    sender,
    userId() {
      if (!running) throw new Error("matrix channel not started");
      return running.r.userId;
    },
    encryptionEnabled: () => Boolean(running?.r.client.crypto),
    nextBatch() {
      if (!running) throw new Error("matrix channel not started");
      return running.loop.nextBatch();
    },
  };
}
