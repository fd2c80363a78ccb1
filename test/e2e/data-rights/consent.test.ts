/**
 * Consent end to end, through the terminal, Telegram (grammY against the loopback Bot API server)
 * and Matrix (a real Synapse), on whichever database the project selects (PGlite and PostgreSQL).
 * A resident onboards and reads the whole notice, gets pushes through the outbox dispatcher and
 * the channel's real sender, withdraws consent under Settings → Privacy (a waiting message is
 * cancelled and nothing further reaches them), agrees again at their next message, and is asked
 * again — for nothing else — after the municipality publishes a new notice version.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createConsoleChannel } from "../../../src/channels/console/console-channel.js";
import { createTelegramApi, createTelegramSender } from "../../../src/channels/telegram/telegram-sender.js";
import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import type { ChannelSender } from "../../../src/core/ports/channel-sender.js";
import { CONSENT_WITHDRAWN_ERROR } from "../../../src/core/ports/consent.js";
import type { Audience } from "../../../src/core/ports/publisher.js";
import { createDispatcher, type Dispatcher } from "../../../src/delivery/dispatcher.js";
import { createFoundationStores } from "../../../src/storage/create-stores.js";
import { createOutboxPublisher } from "../../../src/storage/outbox/publisher.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { parseConsoleOutput } from "../../channels/console/console-harness.js";
import { botMessages, createBotWorld, lastBotMessages, openDirectChat, say } from "../../channels/matrix/matrix-harness.js";
import { buttonsOf, createTelegramTestbed } from "../../channels/telegram/telegram-testbed.js";
import { createCoreHarness, createTestClock } from "../../support/core-harness.js";
import { matrixSkipReason, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser } from "../../support/matrix/test-user.js";
import { silentLogger } from "../../support/silent-logger.js";
import type { SentMessage } from "../../support/telegram/bot-api-server.js";
import { fullFeatures } from "../hostile/full-features.js";

/** A bot message as the resident sees it: its text and the labels of the choices it offers. */
interface Seen {
  readonly text: string;
  readonly choices: readonly string[];
}

/** What the suite needs of one channel; each drives its real transport. */
interface ConsentDriver {
  readonly access: PrismaAccess;
  /** The resident's platform identity, e.g. "telegram:6801". */
  readonly identity: string;
  /** "/" or "!" */
  readonly prefix: string;
  /** The resident writes; resolves with the bot's answers. */
  write(text: string): Promise<Seen[]>;
  /** Picks the choice with this label from the last answer offering it (a button, or its number). */
  choose(label: string): Promise<Seen[]>;
  /** Every text the bot has sent into the resident's private chat so far, oldest first. */
  chatTexts(): Promise<string[]>;
  readonly sender: ChannelSender;
  /** The dispatcher pushed `count` messages into the chat (a channel reading a stream takes them off it). */
  pushed(count: number): Promise<void>;
  /** Restarts the core as a new configuration would: with another notice version. */
  reconfigure(noticeVersion: string): void;
  dispose(): Promise<void>;
}

function numberOf(seen: readonly Seen[], label: string): string {
  for (const reply of [...seen].reverse()) {
    const index = reply.choices.indexOf(label);
    if (index !== -1) return String(index + 1);
  }
  throw new Error(`no choice "${label}" in ${JSON.stringify(seen.map((s) => s.choices))}`);
}

const textOf = (seen: readonly Seen[]) => seen.map((s) => s.text).join("\n\n");

function runConsentSuite(channel: string, create: () => Promise<ConsentDriver>, options: { skip?: string } = {}): void {
  describe.skipIf(options.skip !== undefined)(`consent through ${channel}${options.skip ? ` (skipped: ${options.skip})` : ""}`, () => {
    let d: ConsentDriver;
    let dispatcher: Dispatcher;
    let initiativeId: number;
    const db = () => d.access.client();
    const resident = async () => (await db().identity.findUniqueOrThrow({ where: { id: d.identity }, include: { resident: true } })).resident;
    const decisions = async () =>
      (await db().consentRecord.findMany({ where: { residentId: (await resident()).id }, orderBy: { id: "asc" } })).map((c) => `${c.noticeVersion} ${c.decision}`);

    /** Publishes as the app does (residents audience or an initiative's followers); returns the rows written. */
    async function publish(html: string, audience: Audience): Promise<number> {
      const publisher = createOutboxPublisher({ access: d.access, clock: { now: () => new Date() } });
      return (await d.access.run(() => publisher.publish({ audience, origin: `test:${html}`, title: html, content: () => ({ html }) }))).recipients;
    }
    const toHer = async (): Promise<Audience> => ({ kind: "residents", residentIds: [(await resident()).id] });
    const toFollowers = (): Audience => ({ kind: "feed", feed: "news", areaId: null, initiativeId });
    /**
     * Sends whatever the outbox holds, through the channel's real sender. Telegram's pace of one
     * message per second and chat defers a second one, so this runs until no row is left open.
     */
    async function drain(): Promise<void> {
      const sentBefore = await db().delivery.count({ where: { status: "sent" } });
      const deadline = Date.now() + 30_000;
      for (;;) {
        await dispatcher.runOnce();
        if ((await db().delivery.count({ where: { status: { in: ["pending", "sending"] } } })) === 0) break;
        if (Date.now() > deadline) throw new Error("the outbox did not drain within 30 s");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await d.pushed((await db().delivery.count({ where: { status: "sent" } })) - sentBefore);
    }

    beforeAll(async () => {
      d = await create();
      dispatcher = createDispatcher({ access: d.access, senders: [d.sender], logger: silentLogger, idleMs: 50 });
      initiativeId = (await db().initiative.create({ data: { slug: "ffw-consent", name: "Feuerwehr Hammah" } })).id;
    });
    afterAll(async () => d?.dispose());

    it("shows the whole notice at onboarding with agree and decline, and records the consent with its version", async () => {
      await d.write("hallo");
      await d.choose("Deutsch");
      const notice = await d.choose("Hammah");
      const text = textOf(notice);
      for (const part of ["Datenschutzhinweis", "Fassung 2026-12-01", "datenschutz@example.org", "Art. 9 Abs. 2 lit. a", "außerhalb der EU", "Widerspruch", "Prinzenstraße 5, 30159 Hannover"]) {
        expect(text, part).toContain(part);
      }
      expect(notice.at(-1)!.choices).toEqual(["Einverstanden", "Nicht einverstanden"]);
      const done = await d.choose("Einverstanden");
      expect(textOf(done)).toContain("Hauptmenü");
      expect(await decisions()).toEqual(["2026-12-01 given"]);
    });

    it("stops every push once she withdraws, cancelling what still waited", async () => {
      await db().initiativeFollow.create({ data: { residentId: (await resident()).id, initiativeId } });
      expect(await publish("Erste Neuigkeit", await toHer())).toBe(1);
      expect(await publish("Neues von der Feuerwehr", toFollowers())).toBe(1);
      await drain();
      const before = await d.chatTexts();
      expect(before.join("\n")).toContain("Erste Neuigkeit");
      expect(before.join("\n")).toContain("Neues von der Feuerwehr");
      // Published but not sent yet when she withdraws.
      expect(await publish("Wartet noch", await toHer())).toBe(1);

      await d.write(`${d.prefix}settings`);
      const screen = await d.choose("Datenschutz");
      expect(textOf(screen)).toContain("Sie haben der Fassung 2026-12-01 am");
      expect(screen.at(-1)!.choices).toEqual(["Einwilligung widerrufen", "Meine Daten", "Mein Konto löschen", "Zurück zum Menü"]);
      const ask = await d.choose("Einwilligung widerrufen");
      expect(textOf(ask)).toContain("bleibt erhalten");
      const done = await d.choose("Ja, widerrufen");
      expect(textOf(done)).toContain("Ihre Einwilligung ist widerrufen.");
      expect(textOf(done)).toContain("Eine noch nicht zugestellte Nachricht wird nicht mehr gesendet.");
      expect(await decisions()).toEqual(["2026-12-01 given", "2026-12-01 withdrawn"]);

      expect(await publish("Nach dem Widerruf", await toHer())).toBe(0);
      expect(await publish("Mehr von der Feuerwehr", toFollowers())).toBe(0);
      const shown = (await d.chatTexts()).length;
      await drain();
      const after = await d.chatTexts();
      expect(after.slice(shown)).toEqual([]);
      expect(after.join("\n")).not.toContain("Wartet noch");
      const cancelled = await db().delivery.findMany({ where: { broadcast: { title: "Wartet noch" } } });
      expect(cancelled.map((r) => [r.status, r.lastError])).toEqual([["failed", CONSENT_WITHDRAWN_ERROR]]);
    });

    it("asks her at the next message, and after she agrees pushes reach her again", async () => {
      const next = await d.write(`${d.prefix}settings`);
      expect(textOf(next)).toContain("Sie haben Ihre Einwilligung am");
      expect(textOf(next)).not.toContain("Wohnort: Hammah");
      expect(next.at(-1)!.choices).toEqual(["Einverstanden", "Nicht einverstanden"]);
      const agreed = await d.choose("Einverstanden");
      expect(textOf(agreed)).toContain("Ihre Zustimmung zur Fassung 2026-12-01 ist gespeichert.");
      expect(await publish("Wieder dabei", await toHer())).toBe(1);
      await drain();
      expect((await d.chatTexts()).join("\n")).toContain("Wieder dabei");
    });

    it("asks again after a new notice version, for nothing else, and holds everything back until she agrees", async () => {
      d.reconfigure("2027-01-01");
      const next = await d.write(`${d.prefix}settings`);
      expect(textOf(next)).toContain("Der Datenschutzhinweis hat sich geändert (neue Fassung 2027-01-01)");
      expect(next.at(-1)!.choices).toEqual(["Einverstanden", "Nicht einverstanden"]);
      const declined = await d.choose("Nicht einverstanden");
      expect(textOf(declined)).toContain("ohne Ihre Zustimmung nehme ich nichts Neues von Ihnen an");
      const again = await d.write(`${d.prefix}ideas`);
      expect(textOf(again)).toContain("Fassung 2027-01-01");
      const agreed = await d.choose("Einverstanden");
      expect(textOf(agreed)).toContain("Ihre Zustimmung zur Fassung 2027-01-01 ist gespeichert.");
      expect(textOf(agreed)).toContain("Hauptmenü");
      expect(textOf(await d.write(`${d.prefix}settings`))).toContain("Wohnort: Hammah");
      expect(await decisions()).toEqual(["2026-12-01 given", "2026-12-01 withdrawn", "2026-12-01 given", "2027-01-01 given"]);
      expect((await resident()).privacyVersion).toBe("2027-01-01");
    });
  });
}

/** Core stand-in that follows a rebuilt one, as channels hold the core they were created with. */
function following(current: () => ConversationCore): ConversationCore {
  return {
    handle: (event, capabilities) => current().handle(event, capabilities),
    commands: () => current().commands(),
    localeFor: (senderId, hint) => current().localeFor(senderId, hint),
  };
}

runConsentSuite("the terminal", async () => {
  const harness = await createCoreHarness({ features: fullFeatures });
  const input = new PassThrough();
  const output = new PassThrough();
  let transcript = "";
  output.on("data", (chunk: Buffer) => (transcript += chunk.toString("utf8")));
  const terminal = createConsoleChannel({
    core: following(() => harness.core),
    translator: harness.translator,
    logger: silentLogger,
    input,
    output,
    userId: "console:anna",
    localeHint: "de_DE.UTF-8",
  });
  await terminal.start();
  let last: Seen[] = [];
  const write = async (text: string) => {
    await terminal.idle();
    const mark = transcript.length;
    input.write(`${text}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    await terminal.idle();
    last = parseConsoleOutput(transcript.slice(mark));
    return last;
  };
  return {
    access: harness.access,
    identity: "console:anna",
    prefix: "/",
    write,
    choose: (label) => write(numberOf(last, label)),
    chatTexts: async () => parseConsoleOutput(transcript).map((r) => r.text),
    sender: terminal.sender,
    pushed: async () => undefined,
    reconfigure: (noticeVersion) => harness.restart({ privacy: { noticeVersion } }),
    async dispose() {
      await terminal.stop();
      await harness.dispose();
    },
  };
});

runConsentSuite("Telegram", async () => {
  const bed = await createTelegramTestbed({ features: fullFeatures });
  const anna = { id: 6801, first_name: "Anna", language_code: "de" };
  const seen = (messages: readonly SentMessage[]) => messages.map((m) => ({ text: m.text ?? m.caption ?? "", choices: buttonsOf(m).map((b) => b.label) }));
  const exchange = async (act: () => void) => {
    const before = bed.server.sentMessages(anna.id).length;
    act();
    return seen(await bed.repliesAfter(anna.id, before));
  };
  return {
    access: bed.harness.access,
    identity: `telegram:${anna.id}`,
    prefix: "/",
    write: (text) => exchange(() => bed.server.userSendsText(anna, anna.id, text)),
    choose(label) {
      const message = [...bed.server.sentMessages(anna.id)].reverse().find((m) => buttonsOf(m).some((b) => b.label === label));
      if (!message) throw new Error(`no button "${label}" in the chat`);
      const button = buttonsOf(message).find((b) => b.label === label)!;
      return exchange(() => bed.server.userPressesButton(anna, anna.id, message.messageId, button.data));
    },
    chatTexts: async () => bed.server.sentMessages(anna.id).map((m) => m.text ?? m.caption ?? ""),
    sender: createTelegramSender({
      api: createTelegramApi({ token: bed.server.token, apiRoot: bed.server.url }),
      codec: bed.channel.codec,
      logger: silentLogger,
      botUsername: bed.channel.username,
    }),
    pushed: async () => undefined,
    reconfigure: (noticeVersion) => bed.harness.restart({ privacy: { noticeVersion } }),
    dispose: () => bed.dispose(),
  };
});

const env = matrixTestEnv();

runConsentSuite(
  "Matrix",
  async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    const world = await createBotWorld(env!.baseUrl, bot, {}, {
      extraFeatures: async ({ access, translator }) =>
        assembleFeatures({ access, translator, stores: createFoundationStores(access), clock: createTestClock(new Date()), logger: silentLogger, organiser: "Samtgemeinde" })
          .features,
    });
    await world.startChannel();
    const registered = await env!.registerUser(uniqueLocalpart("anna"));
    const anna = createTestUser({ baseUrl: env!.baseUrl, ...registered });
    const { roomId } = await openDirectChat(world, anna);
    let last: Seen[] = [];
    const write = async (text: string) => (last = await say(world, anna, roomId, text));
    return {
      access: world.access,
      identity: `matrix:${anna.userId}`,
      prefix: "!",
      write,
      choose: (label) => write(numberOf(last, label)),
      chatTexts: async () => (await lastBotMessages(env!.baseUrl, registered.accessToken, roomId, bot.userId, 200)).map((r) => r.text),
      sender: world.channel.sender,
      // Pushes arrive in the same stream as replies: take them off before the next exchange.
      pushed: async (count) => void (await botMessages(anna, roomId, bot.userId, count)),
      reconfigure: (noticeVersion) => world.reconfigure({ noticeVersion }),
      dispose: () => world.dispose(),
    };
  },
  env ? {} : { skip: matrixSkipReason() },
);
