import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramChatAdminVerifier, telegramChatRef } from "../../../src/channels/telegram/chat-admin-verifier.js";
import { createCallbackCodec } from "../../../src/channels/telegram/callback-codec.js";
import { createTelegramApi, createTelegramSender } from "../../../src/channels/telegram/telegram-sender.js";
import { createSubscriptionsFeature } from "../../../src/core/features/subscriptions.js";
import type { ChatAdminVerifier } from "../../../src/core/ports/chat-admin-verifier.js";
import { createDispatcher } from "../../../src/delivery/dispatcher.js";
import { createOutboxPublisher } from "../../../src/storage/outbox/publisher.js";
import { createSubscriptionStore } from "../../../src/storage/stores/subscription-store.js";
import { createAuditStore } from "../../../src/storage/stores/audit-store.js";
import { createCoreHarness, type CoreHarness, type Person } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotApiServer } from "../../support/telegram/bot-api-server.js";

const server = createBotApiServer({ botUsername: "mitreden_test_bot" });
const CHANNEL = -1001234567890;
const OTHER_CHANNEL = -1009876543210;
const owner: Person = { channel: "telegram", userId: "4711" };
const editor: Person = { channel: "telegram", userId: "4712" };
const reader: Person = { channel: "telegram", userId: "4713" };
const matrixUser: Person = { channel: "matrix", userId: "@olga:example.org", chatId: "!dm:example.org" };
let verifier: ChatAdminVerifier;
let h: CoreHarness;

beforeAll(async () => {
  await server.start();
  verifier = createTelegramChatAdminVerifier({ api: createTelegramApi({ token: server.token, apiRoot: server.url }), logger: silentLogger });
  server.addChat({ id: CHANNEL, type: "channel", title: "Dorfkanal Hammah", username: "dorfkanal_hammah" });
  server.addChat({ id: OTHER_CHANNEL, type: "channel", title: "Ohne Bot", username: "ohne_bot" });
  server.setChatMember(CHANNEL, server.botUser.id, "administrator");
  server.setChatMember(CHANNEL, 4711, "creator", { id: 4711, first_name: "Olga" });
  server.setChatMember(CHANNEL, 4712, "administrator", { id: 4712, first_name: "Emil" });
  server.setChatMember(CHANNEL, 4713, "member", { id: 4713, first_name: "Rieke" });
  server.setChatMember(OTHER_CHANNEL, 4711, "creator");
  h = await createCoreHarness({
    features: ({ access, stores }) => [
      createSubscriptionsFeature({ subscriptions: createSubscriptionStore(access), areas: stores.areas, chatAdmins: verifier, audit: createAuditStore(access) }),
    ],
  });
  for (const p of [owner, editor, reader, matrixUser]) await h.onboard(p);
});
afterAll(async () => {
  await h?.dispose();
  await server.stop();
});

describe("Telegram chat admin verifier (getChat / getChatMember)", () => {
  it("reads channel references", () => {
    expect(telegramChatRef("@dorfkanal_hammah")).toBe("@dorfkanal_hammah");
    expect(telegramChatRef("https://t.me/dorfkanal_hammah")).toBe("@dorfkanal_hammah");
    expect(telegramChatRef("-1001234567890")).toBe(-1001234567890);
    expect(telegramChatRef("dorfkanal; drop")).toBeUndefined();
  });

  it("accepts creators and administrators when the bot is an administrator", async () => {
    expect(await verifier.isAdmin("telegram", "@dorfkanal_hammah", "telegram:4711")).toEqual({ chatId: String(CHANNEL), title: "Dorfkanal Hammah" });
    expect(await verifier.isAdmin("telegram", String(CHANNEL), "telegram:4712")).toEqual({ chatId: String(CHANNEL), title: "Dorfkanal Hammah" });
  });

  it("refuses members, channels without the bot as admin, unknown channels and other messengers", async () => {
    expect(await verifier.isAdmin("telegram", "@dorfkanal_hammah", "telegram:4713")).toBe("not-admin");
    expect(await verifier.isAdmin("telegram", "@dorfkanal_hammah", "telegram:999")).toBe("not-admin");
    expect(await verifier.isAdmin("telegram", "@ohne_bot", "telegram:4711")).toBe("bot-not-admin");
    expect(await verifier.isAdmin("telegram", "@gibt_es_nicht", "telegram:4711")).toBe("unknown-chat");
    expect(await verifier.isAdmin("telegram", "kein kanal", "telegram:4711")).toBe("unknown-chat");
    expect(await verifier.isAdmin("matrix", "!room:example.org", "matrix:@olga:example.org")).toBe("unsupported");
  });
});

describe("/subscribe_channel from the private chat", () => {
  const texts = async (p: Person, text: string) => (await h.send(p, text)).map((r) => r.text);

  it("subscribes the channel for its admin, and a news publish is delivered into the channel", async () => {
    const [reply] = await texts(owner, "/subscribe_channel @dorfkanal_hammah news hammah");
    expect(reply).toBe("Dorfkanal Hammah hat jetzt abonniert: Neuigkeiten der Initiativen (Hammah). Neue Beiträge erscheinen ab sofort dort.");
    expect((await texts(editor, "/subscribe_channel @dorfkanal_hammah news hammah"))[0]).toContain("bereits abonniert");
    const subs = await h.db.prisma.subscription.findMany({ where: { chatId: String(CHANNEL) } });
    expect(subs).toMatchObject([{ channel: "telegram", feed: "news", active: true, createdBy: "telegram:4711" }]);

    const hammah = await h.db.prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
    const publisher = createOutboxPublisher({ access: h.access, clock: h.clock });
    await publisher.publish({
      audience: { kind: "feed", feed: "news", areaId: hammah.id },
      origin: "test:channel",
      title: "Osterfeuer",
      content: () => ({ html: "<b>Osterfeuer</b> am Samstag" }),
    });
    const sender = createTelegramSender({
      api: createTelegramApi({ token: server.token, apiRoot: server.url }),
      codec: createCallbackCodec({ secret: "channel-subscription-test-secret" }),
      logger: silentLogger,
    });
    const dispatcher = createDispatcher({ access: h.access, senders: [sender], logger: silentLogger, clock: h.clock, ownerId: "channel-test" });
    expect(await dispatcher.runOnce()).toBe(1);
    const [post] = await server.waitForMessages(1, { chatId: CHANNEL });
    expect(post!.text).toBe("Osterfeuer am Samstag");
  });

  it("tells members, channels without the bot and unknown names what is wrong, and changes nothing", async () => {
    expect((await texts(reader, "/subscribe_channel @dorfkanal_hammah surveys"))[0]).toContain("nicht als Administratorin oder Administrator von @dorfkanal_hammah");
    expect((await texts(owner, "/subscribe_channel @ohne_bot surveys"))[0]).toContain("Der Bot ist noch kein Administrator von @ohne_bot");
    expect((await texts(owner, "/subscribe_channel @gibt_es_nicht surveys"))[0]).toContain("Einen Kanal @gibt_es_nicht kenne ich nicht");
    expect((await texts(owner, "/subscribe_channel @dorfkanal_hammah"))[0]).toContain("So abonnieren Sie einen Telegram-Kanal");
    expect((await texts(matrixUser, "!subscribe_channel @dorfkanal_hammah surveys"))[0]).toContain("Das geht nur auf Telegram");
    expect(await h.db.prisma.subscription.count({ where: { feed: "surveys" } })).toBe(0);
  });

  it("ends the channel's subscription for an admin", async () => {
    expect((await texts(reader, "/unsubscribe_channel @dorfkanal_hammah news"))[0]).toContain("nicht als Administratorin");
    expect((await texts(editor, "/unsubscribe_channel @dorfkanal_hammah news"))[0]).toBe("Abonnement von Dorfkanal Hammah beendet: Neuigkeiten der Initiativen.");
    expect((await texts(editor, "/unsubscribe_channel @dorfkanal_hammah news"))[0]).toBe("Dorfkanal Hammah hatte Neuigkeiten der Initiativen nicht abonniert.");
    expect(await h.db.prisma.subscription.count({ where: { chatId: String(CHANNEL), active: true } })).toBe(0);
  });
});
