/**
 * Messages longer than Telegram allows (4,096 characters of text, 1,024 of caption) arrive
 * completely, as several messages with the buttons under the last, on every path: direct replies,
 * kept replies sent again after a crash, and the outbox sender. The loopback server refuses what
 * Telegram refuses ("message is too long"), so without splitting these replies never arrive.
 */
import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCallbackCodec } from "../../../src/channels/telegram/callback-codec.js";
import { TELEGRAM_LIMITS } from "../../../src/channels/telegram/send-message.js";
import { createTelegramChannel } from "../../../src/channels/telegram/telegram-channel.js";
import { createTelegramApi, createTelegramSender } from "../../../src/channels/telegram/telegram-sender.js";
import { telegramBotId } from "../../../src/channels/telegram/update-inbox.js";
import { replyFeature } from "../reply-feature.js";
import type { OutboundMessage } from "../../../src/core/model/outbound-message.js";
import { escapeHtml } from "../../../src/core/render/plain-text.js";
import { visibleLength } from "../../../src/core/render/split-message.js";
import { createTelegramInboxStore } from "../../../src/storage/stores/telegram-inbox-store.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotApiServer, type SentMessage } from "../../support/telegram/bot-api-server.js";
import { parseTelegramHtml } from "../../support/telegram/html-entities.js";
import { tinyPng } from "../../support/tiny-png.js";
import { buttonsOf, createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

/** Just over `chars` characters of survey answers as shown: bold headings, escaped resident text, a link. */
function longAnswers(chars: number): string {
  const paragraphs: string[] = [];
  for (let i = 1; visibleLength(paragraphs.join("\n\n")) < chars; i += 1) {
    const said = escapeHtml(`Die Bank am Teich & der Weg <dahinter> (Antwort ${i}) `);
    paragraphs.push(`<b>Antwort ${i}</b>\n${said}${"sollte bald erneuert werden. ".repeat(8)}<a href="https://example.org/a?i=${i}&amp;s=1">mehr</a>`);
  }
  return paragraphs.join("\n\n");
}

const LONG = longAnswers(10_000);
const MEDIUM = longAnswers(3_000);
const CHOICES = [[{ label: "Weiter", action: "longread:next" }], [{ label: "Menü", action: "menu:open" }]];
const noSpace = (text: string) => text.replace(/\s+/g, "");
const shownText = (html: string): string => {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.error.description);
  return parsed.text;
};
const textOf = (m: SentMessage) => m.text ?? m.caption ?? "";

/** Everything a resident sees of a split message, checked part by part. */
function expectComplete(sent: readonly SentMessage[], html: string, buttonLabels: string[]): void {
  for (const m of sent) expect(textOf(m).length).toBeLessThanOrEqual(TELEGRAM_LIMITS.textChars);
  expect(noSpace(sent.map(textOf).join(""))).toBe(noSpace(shownText(html)));
  expect(buttonsOf(sent.at(-1)).map((b) => b.label)).toEqual(buttonLabels);
  for (const m of sent.slice(0, -1)) expect(m.replyMarkup).toBeUndefined();
}

const longread = replyFeature("longread", {
  long: { html: LONG, choices: CHOICES },
  longphoto: { html: MEDIUM, image: { bytes: tinyPng(), alt: "Balkendiagramm" }, choices: CHOICES },
});

describe("long messages on Telegram", () => {
  let bed: TelegramTestbed;
  const carla = { id: 4401, first_name: "Carla", language_code: "de" };

  beforeAll(async () => {
    bed = await createTelegramTestbed({ extraFeatures: [longread] });
  });
  afterEach(() => expect(bed.server.internalErrors()).toEqual([]));
  afterAll(async () => bed?.dispose());

  it("sends a reply of 10,000 characters as several messages, the buttons under the last", async () => {
    expect(shownText(LONG).length).toBeGreaterThan(10_000);
    const before = bed.server.sentMessages(carla.id).length;
    bed.server.userSendsText(carla, carla.id, "/long");
    const sent = await bed.repliesAfter(carla.id, before, { min: 3 });
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.every((m) => m.method === "sendMessage")).toBe(true);
    expectComplete(sent, LONG, ["Weiter", "Menü"]);
    // Every part keeps its links and bold headings: tags open at a cut were reopened.
    for (const m of sent) expect(m.entities?.some((e) => e.type === "bold")).toBe(true);
  });

  it("sends a photo with 3,000 characters of text as the photo, then the text with the buttons", async () => {
    const before = bed.server.sentMessages(carla.id).length;
    bed.server.userSendsText(carla, carla.id, "/longphoto");
    const sent = await bed.repliesAfter(carla.id, before, { min: 2 });
    expect(sent.map((m) => m.method)).toEqual(["sendPhoto", "sendMessage"]);
    expect(sent[0]?.caption).toBeUndefined();
    expect(sent[0]?.replyMarkup).toBeUndefined();
    expectComplete(sent.slice(1), MEDIUM, ["Weiter", "Menü"]);
  });

  it("sends a long kept reply in parts again when a crash left its update unremoved", async () => {
    const before = bed.server.sentMessages(carla.id).length;
    const update: Update = bed.server.userSendsText(carla, carla.id, "/long");
    const first = await bed.repliesAfter(carla.id, before, { min: 3 });
    await bed.channel.stop();

    // The crash came after the replies but before the update's removal reached the database.
    const inbox = createTelegramInboxStore<Update>(bed.harness.access, { botId: telegramBotId(bed.server.token) });
    await inbox.save([update]);
    const restarted = createTelegramChannel({
      core: bed.harness.core,
      translator: bed.harness.translator,
      logger: silentLogger,
      token: bed.server.token,
      apiRoot: bed.server.url,
      pollingTimeoutSeconds: 1,
      pollRetryMs: 50,
      stopTimeoutMs: 2_000,
      inbox,
    });
    // start() replays kept updates before it returns.
    await restarted.start();
    try {
      const again = bed.server.sentMessages(carla.id).slice(before + first.length);
      expect(again.map(textOf)).toEqual(first.map(textOf));
      expectComplete(again, LONG, ["Weiter", "Menü"]);
    } finally {
      await restarted.stop();
    }
  });
});

describe("long messages through the Telegram outbox sender", () => {
  const server = createBotApiServer();
  const codec = createCallbackCodec({ secret: "a secret of sixteen bytes or more" });
  let sender: ReturnType<typeof createTelegramSender>;

  beforeAll(async () => {
    await server.start();
    sender = createTelegramSender({ api: createTelegramApi({ token: server.token, apiRoot: server.url }), codec, logger: silentLogger });
  });
  afterEach(() => expect(server.internalErrors()).toEqual([]));
  afterAll(async () => server.stop());

  it("delivers a broadcast of 10,000 characters as several messages and reports the last", async () => {
    const message: OutboundMessage = { html: LONG, choices: CHOICES };
    const outcome = await sender.send("6001", message, "de", "long-1");
    const sent = server.sentMessages(6001);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(outcome).toEqual({ kind: "sent", messageId: String(sent.at(-1)?.messageId) });
    expectComplete(sent, LONG, ["Weiter", "Menü"]);
  });

  it("delivers a photo whose text is far too long for a caption as the photo and then the text in parts", async () => {
    const message: OutboundMessage = { html: LONG, image: { bytes: tinyPng(), alt: "Diagramm" }, choices: CHOICES };
    expect((await sender.send("6002", message, "de", "long-2")).kind).toBe("sent");
    const [photo, ...texts] = server.sentMessages(6002);
    expect(photo?.method).toBe("sendPhoto");
    expect(photo?.caption).toBeUndefined();
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expectComplete(texts, LONG, ["Weiter", "Menü"]);
  });

  it("keeps a photo's caption when the text fits one", async () => {
    const caption = longAnswers(700);
    expect(shownText(caption).length).toBeLessThanOrEqual(TELEGRAM_LIMITS.captionChars);
    expect((await sender.send("6003", { html: caption, image: { bytes: tinyPng(), alt: "Diagramm" }, choices: CHOICES }, "de", "long-3")).kind).toBe("sent");
    const sent = server.sentMessages(6003);
    expect(sent.map((m) => m.method)).toEqual(["sendPhoto"]);
    expect(sent[0]?.caption).toBe(shownText(caption));
  });
});
