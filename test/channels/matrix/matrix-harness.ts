/**
 * A mitreden bot on a real Synapse, with the core on a migrated test database, plus helpers to
 * play residents over plain HTTP (test-user.ts, deliberately not matrix-bot-sdk).
 */
import { testPrivacyFacts } from "../../support/privacy-facts.js";
import type { PrivacyFacts } from "../../../src/core/features/privacy/privacy-notice.js";
import { assembleCore } from "../../../src/app/create-core.js";
import { createMatrixChannel, type MatrixChannel, type MatrixChannelOptions } from "../../../src/channels/matrix/matrix-channel.js";
import type { Feature } from "../../../src/core/conversation/feature.js";
import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import type { Translator } from "../../../src/core/ports/translator.js";
import { createTranslator } from "../../../src/i18n/translator.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import { createPrismaAccess, type PrismaAccess } from "../../../src/storage/prisma-access.js";
import { seedExampleIfEmpty } from "../../../src/storage/seed-example.js";
import { createKeyValueStore, type KeyValueStore } from "../../../src/storage/stores/key-value-store.js";
import type { RegisteredUser } from "../../support/matrix/synapse.js";
import type { TimelineEvent, TestUser } from "../../support/matrix/test-user.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

export interface BotWorld {
  readonly testDb: TestDatabase;
  readonly access: PrismaAccess;
  readonly keyValues: KeyValueStore;
  readonly translator: Translator;
  readonly bot: RegisteredUser;
  /** The core the channel feeds, for playing a turn the way an earlier, crashed process did. */
  readonly core: ConversationCore;
  /** Every (eventId, replies) the current and earlier channel instances reported as handled. */
  readonly handled: Array<{ eventId: string; replies: number }>;
  channel: MatrixChannel;
  /**
   * Rebuilds the core with other privacy facts (e.g. a new notice version), as a process
   * restarted with a new configuration would; the running channel uses it from its next event.
   */
  reconfigure(privacy: Partial<PrivacyFacts>): void;
  /** Starts a fresh channel instance over the same database, as a restarted process would. */
  startChannel(overrides?: Partial<MatrixChannelOptions>): Promise<MatrixChannel>;
  /**
   * Resolves once the channel reported `eventId` handled (for the `occurrence`-th time, default 1);
   * returns how many replies it sent.
   */
  waitHandled(eventId: string, options?: { timeoutMs?: number; occurrence?: number }): Promise<number>;
  /** How often the channel reported `eventId` handled so far. */
  timesHandled(eventId: string): number;
  dispose(): Promise<void>;
}

export async function createBotWorld(
  baseUrl: string,
  bot: RegisteredUser,
  defaults: Partial<MatrixChannelOptions> = {},
  options: {
    /** Features beyond the foundation ones, built over the world's database (e.g. surveys). */
    readonly extraFeatures?: (deps: { access: PrismaAccess; translator: Translator }) => Promise<readonly Feature[]>;
  } = {},
): Promise<BotWorld> {
  const testDb = await createTestDatabase();
  await seedExampleIfEmpty(testDb.db.prisma);
  const translator = await createTranslator();
  const access = createPrismaAccess(testDb.db.prisma);
  const stores = createFoundationStores(access);
  const keyValues = createKeyValueStore(access);
  const extraFeatures = options.extraFeatures ? await options.extraFeatures({ access, translator }) : undefined;
  const build = (privacy: PrivacyFacts) =>
    assembleCore({
      stores,
      translator,
      clock: { now: () => new Date() },
      logger: silentLogger,
      privacy,
      ...(extraFeatures ? { extraFeatures } : {}),
    });
  let privacy = testPrivacyFacts();
  let current = build(privacy);
  // Channels hold this one; it follows reconfigure().
  const core: ConversationCore = {
    handle: (event, capabilities) => current.handle(event, capabilities),
    commands: () => current.commands(),
    localeFor: (senderId, hint) => current.localeFor(senderId, hint),
  };
  const handled: Array<{ eventId: string; replies: number }> = [];
  const waiters: Array<{ eventId: string; occurrence: number; resolve: (replies: number) => void }> = [];
  const timesHandled = (eventId: string) => handled.filter((h) => h.eventId === eventId).length;
  const onEventHandled = (eventId: string, replies: number) => {
    handled.push({ eventId, replies });
    for (const waiter of waiters.filter((w) => w.eventId === eventId && w.occurrence === timesHandled(eventId))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(replies);
    }
  };

  const world: BotWorld = {
    testDb,
    access,
    keyValues,
    translator,
    bot,
    core,
    handled,
    channel: undefined as unknown as MatrixChannel,
    reconfigure(changes) {
      privacy = { ...privacy, ...changes };
      current = build(privacy);
    },
    async startChannel(overrides = {}) {
      const channel = createMatrixChannel({
        core,
        translator,
        logger: silentLogger,
        homeserverUrl: baseUrl,
        credentials: { accessToken: bot.accessToken },
        storage: keyValues,
        pollTimeoutMs: 500,
        timelineLimit: 10,
        onEventHandled,
        ...defaults,
        ...overrides,
      });
      await channel.start();
      world.channel = channel;
      return channel;
    },
    timesHandled,
    waitHandled(eventId, { timeoutMs = 15_000, occurrence = 1 } = {}) {
      const done = handled.filter((h) => h.eventId === eventId)[occurrence - 1];
      if (done) return Promise.resolve(done.replies);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bot did not handle ${eventId} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          eventId,
          occurrence,
          resolve: (replies) => {
            clearTimeout(timer);
            resolve(replies);
          },
        });
      });
    },
    async dispose() {
      await world.channel?.stop();
      await testDb.dispose();
    },
  };
  return world;
}

/** The resident's view of a bot message: text without the numbered list, and the choice labels. */
export interface SeenReply {
  readonly text: string;
  readonly choices: string[];
  readonly event: TimelineEvent;
}

export function seenReply(event: TimelineEvent): SeenReply {
  const body = String(event.content["body"] ?? "");
  const cut = body.lastIndexOf("\n\n");
  const tail = cut === -1 ? "" : body.slice(cut + 2);
  const lines = tail.split("\n");
  if (cut !== -1 && lines.every((line, index) => line.startsWith(`${index + 1}. `))) {
    return { text: body.slice(0, cut), choices: lines.map((line) => line.replace(/^\d+\. /, "")), event };
  }
  return { text: body, choices: [], event };
}

/** Collects `count` messages of the bot in the room, in order. */
export async function botMessages(user: TestUser, roomId: string, botUserId: string, count: number): Promise<SeenReply[]> {
  const replies: SeenReply[] = [];
  for (let i = 0; i < count; i += 1) {
    replies.push(seenReply(await user.waitForMessage(roomId, (e) => e.sender === botUserId && e.type === "m.room.message")));
  }
  return replies;
}

/** The resident writes; resolves with the bot's replies once the bot reports the event handled. */
export async function say(world: BotWorld, user: TestUser, roomId: string, text: string): Promise<SeenReply[]> {
  const eventId = await user.sendText(roomId, text);
  const replies = await world.waitHandled(`matrix:${eventId}`);
  return botMessages(user, roomId, world.bot.userId, replies);
}

/** Opens a DM with the bot the way a resident does and consumes the bot's greeting. */
export async function openDirectChat(world: BotWorld, user: TestUser, options: { encrypted?: boolean } = {}): Promise<{ roomId: string; greeting: SeenReply[] }> {
  const roomId = await user.createRoom({ invite: [world.bot.userId], isDirect: true, ...options });
  if (options.encrypted) return { roomId, greeting: [] };
  const replies = await world.waitHandled(`matrix:invite:${roomId}`);
  return { roomId, greeting: await botMessages(user, roomId, world.bot.userId, replies) };
}

/**
 * The last `count` messages of the bot in the room, oldest first, read through /messages. Unlike a
 * test user's /sync (10 events per room), this does not lose events when many arrive at once.
 */
export async function lastBotMessages(
  baseUrl: string,
  accessToken: string,
  roomId: string,
  botUserId: string,
  count: number,
): Promise<SeenReply[]> {
  const response = await fetch(
    `${baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=200`,
    { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(10_000) },
  );
  if (!response.ok) throw new Error(`/messages: HTTP ${response.status}`);
  const { chunk } = (await response.json()) as { chunk: TimelineEvent[] };
  const fromBot = chunk.filter((e) => e.sender === botUserId && e.type === "m.room.message");
  return fromBot.slice(0, count).reverse().map(seenReply);
}

/** A client-server call as `user`, for what the test users' helper does not offer (invites, power levels, state). */
export async function clientApi(baseUrl: string, user: RegisteredUser, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/_matrix/client/v3${path}`, {
    method,
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** `user` invites the bot into a complete room and waits until it has joined (so it never looks like a direct chat). */
export async function inviteBotAndWait(baseUrl: string, user: RegisteredUser, roomId: string, botUserId: string): Promise<void> {
  const room = encodeURIComponent(roomId);
  await clientApi(baseUrl, user, "POST", `/rooms/${room}/invite`, { user_id: botUserId });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const joined = await clientApi(baseUrl, user, "GET", `/rooms/${room}/joined_members`);
    if (botUserId in (joined["joined"] as Record<string, unknown>)) return;
    if (Date.now() > deadline) throw new Error(`the bot did not join ${roomId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
