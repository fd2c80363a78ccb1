import { assembleCore, type CoreAssemblyDeps } from "../../src/app/create-core.js";
import type { ConversationCore } from "../../src/core/conversation/conversation-core.js";
import type { Feature } from "../../src/core/conversation/feature.js";
import type { ChannelCapabilities } from "../../src/core/model/channel-capabilities.js";
import type { ChatKind, ChannelKind, InboundEvent } from "../../src/core/model/inbound-event.js";
import type { InboundPhoto } from "../../src/core/model/photo.js";
import { flattenChoices, type OutboundMessage } from "../../src/core/model/outbound-message.js";
import type { Clock } from "../../src/core/ports/clock.js";
import type { Translator } from "../../src/core/ports/translator.js";
import { htmlToPlain } from "../../src/core/render/plain-text.js";
import { createTranslator } from "../../src/i18n/translator.js";
import { createFoundationStores, type FoundationStores } from "../../src/storage/create-stores.js";
import { createPrismaAccess, type PrismaAccess } from "../../src/storage/prisma-access.js";
import { seedExampleIfEmpty } from "../../src/storage/seed-example.js";
import type { Database } from "../../src/storage/database.js";
import { createTestDatabase } from "./test-database.js";
import { silentLogger } from "./silent-logger.js";
import { testPrivacyFacts } from "./privacy-facts.js";
import type { PrivacyFacts } from "../../src/core/features/privacy/privacy-notice.js";

export const BUTTONS: ChannelCapabilities = { buttons: true, images: true, html: true, edits: true, files: true, commandPrefix: "/", limits: { textChars: 4096, captionChars: 1024, actionBytes: 64 } };
export const NO_BUTTONS: ChannelCapabilities = { buttons: false, images: false, html: false, edits: false, files: false, commandPrefix: "/", limits: {} };

/** A clock tests can move forward. */
export function createTestClock(start = new Date("2026-11-27T09:00:00Z")): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

export interface Person {
  readonly channel: ChannelKind;
  readonly userId: string;
  readonly chatId?: string;
  readonly chatKind?: ChatKind;
  readonly localeHint?: string;
  /** The name the messenger shows for this person. */
  readonly name?: string;
}

export interface CoreHarness {
  readonly db: Database;
  readonly access: PrismaAccess;
  readonly stores: FoundationStores;
  readonly core: ConversationCore;
  readonly translator: Translator;
  readonly clock: ReturnType<typeof createTestClock>;
  /** Sends text as `person`; returns the plain text of the replies. */
  send(person: Person, text: string, capabilities?: ChannelCapabilities): Promise<Reply[]>;
  press(person: Person, action: string, capabilities?: ChannelCapabilities): Promise<Reply[]>;
  /** Sends a photo as a channel hands it over (already downloaded and checked). */
  sendPhoto(person: Person, photo: InboundPhoto, caption?: string): Promise<Reply[]>;
  deliver(event: InboundEvent, capabilities?: ChannelCapabilities): Promise<Reply[]>;
  /** Sends /start and walks onboarding with the first language offered as `locale`. */
  onboard(person: Person, options?: { locale?: "de" | "en"; areaName?: string }): Promise<Reply[]>;
  /**
   * Rebuilds the core over the same database, as a restarted process would; `privacy` changes
   * what the restarted process is configured with (e.g. a new notice version).
   */
  restart(options?: { privacy?: Partial<PrivacyFacts> }): void;
  dispose(): Promise<void>;
}

/** One outbound message in test-friendly form. */
export interface Reply {
  readonly text: string;
  readonly choices: { label: string; action: string }[];
  readonly message: OutboundMessage;
}

let sequence = 0;

/** What a test's feature factory may build on: the harness's own unit of work and stores. */
export interface HarnessContext {
  readonly access: PrismaAccess;
  readonly stores: FoundationStores;
  readonly translator: Translator;
  readonly clock: ReturnType<typeof createTestClock>;
}

export interface CoreHarnessOptions extends Partial<Pick<CoreAssemblyDeps, "extraFeatures" | "generateLinkCode" | "timeZone">> {
  /** Builds extra features on the harness's access, so their stores join each event's transaction. */
  readonly features?: (context: HarnessContext) => readonly Feature[];
  /** Overrides of the privacy facts (see testPrivacyFacts). */
  readonly privacy?: Partial<PrivacyFacts>;
}

export async function createCoreHarness(options: CoreHarnessOptions = {}): Promise<CoreHarness> {
  const testDb = await createTestDatabase();
  await seedExampleIfEmpty(testDb.db.prisma);
  const translator = await createTranslator();
  const clock = createTestClock();
  const access = createPrismaAccess(testDb.db.prisma);
  const stores = createFoundationStores(access);
  const { features, privacy: privacyOverrides, ...assembly } = options;
  const built = features?.({ access, stores, translator, clock }) ?? [];
  let privacy = testPrivacyFacts(privacyOverrides);
  const build = () =>
    assembleCore({
      stores,
      translator,
      clock,
      logger: silentLogger,
      privacy,
      ...assembly,
      extraFeatures: [...(assembly.extraFeatures ?? []), ...built],
    });
  let core = build();

  const toReplies = (messages: readonly OutboundMessage[]): Reply[] =>
    messages.map((message) => ({ text: htmlToPlain(message.html), choices: flattenChoices(message), message }));

  const eventFor = (person: Person, payload: InboundEvent["payload"]): InboundEvent => ({
    eventId: `${person.channel}:test:${++sequence}:${Math.random()}`,
    channel: person.channel,
    chat: { id: person.chatId ?? person.userId, kind: person.chatKind ?? "private" },
    // As the channels do: only one's own private chat is vouched for.
    ...((person.chatKind ?? "private") === "private" && (person.chatId ?? person.userId) === person.userId
      ? { trustedPrivateChatId: person.userId }
      : {}),
    senderId: `${person.channel}:${person.userId}`,
    ...(person.name ? { senderName: person.name } : {}),
    ...(person.localeHint ? { localeHint: person.localeHint } : {}),
    payload,
    receivedAt: clock.now(),
  });

  const harness: CoreHarness = {
    db: testDb.db,
    access,
    stores,
    get core() {
      return core;
    },
    translator,
    clock,
    async deliver(event, capabilities = BUTTONS) {
      return toReplies((await core.handle(event, capabilities)).messages);
    },
    send: (person, text, capabilities) => harness.deliver(eventFor(person, { type: "text", text }), capabilities),
    press: (person, action, capabilities) => harness.deliver(eventFor(person, { type: "action", action }), capabilities),
    sendPhoto: (person, photo, caption) =>
      harness.deliver(eventFor(person, { type: "photo", photo, ...(caption === undefined ? {} : { caption }) })),
    async onboard(person, { locale = "de", areaName = "Hammah" } = {}) {
      await harness.send(person, "/start");
      const areaPrompt = await harness.press(person, `onboarding:lang:${locale}`);
      const area = areaPrompt.at(-1)?.choices.find((c) => c.label === areaName);
      if (!area) throw new Error(`area ${areaName} not offered`);
      await harness.press(person, area.action);
      return harness.press(person, "onboarding:accept");
    },
    restart(restartOptions) {
      if (restartOptions?.privacy) privacy = { ...privacy, ...restartOptions.privacy };
      core = build();
    },
    dispose: () => testDb.dispose(),
  };
  return harness;
}
