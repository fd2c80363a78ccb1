/**
 * Files the core hands over (a resident's data export) arrive on Telegram as documents: the text
 * as the caption when it fits Telegram's 1,024 characters, otherwise first as its own message(s)
 * with the document and its buttons after it. A redelivery after a crash never sends the file
 * again from the kept reply: it holds only the file's name and says to ask again.
 */
import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TELEGRAM_LIMITS } from "../../../src/channels/telegram/send-message.js";
import { createTelegramChannel } from "../../../src/channels/telegram/telegram-channel.js";
import { telegramBotId } from "../../../src/channels/telegram/update-inbox.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import { createTelegramInboxStore } from "../../../src/storage/stores/telegram-inbox-store.js";
import { silentLogger } from "../../support/silent-logger.js";
import { replyFeature } from "../reply-feature.js";
import { buttonsOf, createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

const BYTES = new TextEncoder().encode(JSON.stringify({ resident: { id: 7, village: "Großenwörden" }, ideas: [{ title: "Bänke & Tische" }] }));
const FILE = { bytes: BYTES, fileName: "mydata-2026-11-27.json", mimeType: "application/json" };
const CHOICES = [[{ label: "Menü", action: "menu:open" }]];
const LONG_TEXT = `<b>Deine Daten</b>\n${"Das ist gespeichert. ".repeat(80)}`;

const files = replyFeature("files", {
  shortfile: { html: "<b>Deine Daten</b> &amp; mehr", file: FILE, choices: CHOICES },
  longfile: { html: LONG_TEXT, file: FILE, choices: CHOICES },
});

describe("files on Telegram", () => {
  let bed: TelegramTestbed;
  const dana = { id: 4501, first_name: "Dana", language_code: "de" };

  beforeAll(async () => {
    bed = await createTelegramTestbed({ extraFeatures: [files] });
  });
  afterEach(() => expect(bed.server.internalErrors()).toEqual([]));
  afterAll(async () => bed?.dispose());

  it("sends a file with a short text as one document, the text as its caption and the buttons under it", async () => {
    const before = bed.server.sentMessages(dana.id).length;
    bed.server.userSendsText(dana, dana.id, "/shortfile");
    const sent = await bed.repliesAfter(dana.id, before);
    expect(sent.map((m) => m.method)).toEqual(["sendDocument"]);
    expect(sent[0]?.caption).toBe("Deine Daten & mehr");
    expect(buttonsOf(sent[0]).map((b) => b.label)).toEqual(["Menü"]);
    const [document] = bed.server.documents(dana.id).slice(-1);
    expect(document).toMatchObject({ fileName: "mydata-2026-11-27.json", mimeType: "application/json", size: BYTES.length });
    expect(Buffer.from(BYTES).equals(document!.bytes)).toBe(true);
  });

  it("sends a text too long for a caption first, then the document with the buttons", async () => {
    expect(htmlToPlain(LONG_TEXT).length).toBeGreaterThan(TELEGRAM_LIMITS.captionChars);
    const before = bed.server.sentMessages(dana.id).length;
    bed.server.userSendsText(dana, dana.id, "/longfile");
    const sent = await bed.repliesAfter(dana.id, before, { min: 2 });
    expect(sent.map((m) => m.method)).toEqual(["sendMessage", "sendDocument"]);
    expect(sent[0]?.text).toContain("Das ist gespeichert.");
    expect(sent[0]?.replyMarkup).toBeUndefined();
    expect(sent[1]?.caption).toBeUndefined();
    expect(buttonsOf(sent[1]).map((b) => b.label)).toEqual(["Menü"]);
    expect(JSON.parse(bed.server.documents(dana.id).at(-1)!.bytes.toString("utf8"))).toMatchObject({ resident: { village: "Großenwörden" } });
  });

  it("answers a redelivery from the kept reply without the file: its name and a request to ask again", async () => {
    const before = bed.server.sentMessages(dana.id).length;
    const documentsBefore = bed.server.documents(dana.id).length;
    const update: Update = bed.server.userSendsText(dana, dana.id, "/shortfile");
    await bed.repliesAfter(dana.id, before);
    await bed.channel.stop();

    // The crash came after the reply but before the update's removal reached the database.
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
    await restarted.start();
    try {
      const again = bed.server.sentMessages(dana.id).slice(before + 1);
      expect(again.map((m) => m.method)).toEqual(["sendMessage"]);
      expect(again[0]?.text).toContain("Deine Daten & mehr");
      expect(again[0]?.text).toContain(htmlToPlain(bed.harness.translator.t("de", "common:file-not-kept", { name: FILE.fileName })));
      expect(bed.server.documents(dana.id)).toHaveLength(documentsBefore + 1);
      // Nothing of the file's content was kept with the event.
      const kept = await bed.harness.access.client().processedEvent.findMany({ where: { reply: { not: undefined } } });
      expect(JSON.stringify(kept.map((k) => k.reply))).not.toContain("Großenwörden");
    } finally {
      await restarted.stop();
    }
  });
});
