import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCallbackCodec } from "../../../src/channels/telegram/callback-codec.js";
import { MAX_CAPTION_CHARS } from "../../../src/channels/telegram/send-message.js";
import { createTelegramApi, createTelegramSender } from "../../../src/channels/telegram/telegram-sender.js";
import type { ChannelSender } from "../../../src/core/ports/channel-sender.js";
import { silentLogger } from "../../support/silent-logger.js";
import { createBotApiServer } from "../../support/telegram/bot-api-server.js";

// A real 2×1 PNG, so the server's image size detection runs on it.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000020000000108060000007b40e8dd0000001149444154789c63f8cfc0f09f8181e13f00000cf602fe5ae0b7e40000000049454e44ae426082",
  "hex",
);

describe("Telegram outbox sender", () => {
  const server = createBotApiServer();
  const codec = createCallbackCodec({ secret: "a secret of sixteen bytes or more" });
  let sender: ChannelSender;
  let paid: ChannelSender;

  beforeAll(async () => {
    await server.start();
    const api = createTelegramApi({ token: server.token, apiRoot: server.url });
    sender = createTelegramSender({ api, codec, logger: silentLogger });
    paid = createTelegramSender({ api, codec, logger: silentLogger, allowPaidBroadcast: true });
  });
  afterEach(() => {
    server.faults.clear();
    expect(server.internalErrors()).toEqual([]);
  });
  afterAll(async () => server.stop());

  const hello = { html: "<b>Neu:</b> Umfrage zum Dorfplatz" };

  it("sends HTML with signed buttons and reports the message id", async () => {
    const outcome = await sender.send("5001", { ...hello, choices: [[{ label: "Mitmachen", action: "surveys:open:12" }]] }, "de", "d1");
    expect(outcome).toEqual({ kind: "sent", messageId: "1" });
    const [message] = server.sentMessages(5001);
    expect(message?.text).toBe("Neu: Umfrage zum Dorfplatz");
    const data = (message?.replyMarkup?.inline_keyboard[0]?.[0] as { callback_data: string }).callback_data;
    expect(codec.decode(5001, data)).toEqual({ ok: true, action: "surveys:open:12" });
    expect(message?.paidBroadcast).toBe(false);
  });

  it("sets allow_paid_broadcast when configured", async () => {
    expect((await paid.send("5010", hello, "de", "d2")).kind).toBe("sent");
    expect(server.sentMessages(5010)[0]?.paidBroadcast).toBe(true);
  });

  it("maps 429 to retry-after without waiting", async () => {
    server.faults.tooManyRequests(7, { chatId: 5002 });
    const started = Date.now();
    expect(await sender.send("5002", hello, "de", "d3")).toEqual({ kind: "retry-after", ms: 7000, scope: "channel" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("maps a blocked bot and a missing chat to gone", async () => {
    server.faults.blockedByUser(5003);
    expect(await sender.send("5003", hello, "de", "d4")).toEqual({ kind: "gone", reason: "Forbidden: bot was blocked by the user" });
    server.faults.error(400, "Bad Request: chat not found", undefined, { chatId: 5006 });
    expect(await sender.send("5006", hello, "de", "d5")).toEqual({ kind: "gone", reason: "Bad Request: chat not found" });
  });

  it("maps a group upgraded to a supergroup to migrated", async () => {
    server.faults.migratedToSupergroup(-5004, -1005004);
    expect(await sender.send("-5004", hello, "de", "d6")).toEqual({ kind: "migrated", newChatId: "-1005004" });
  });

  it("maps server errors and dropped connections to transient", async () => {
    server.faults.serverError({ chatId: 5005 });
    expect(await sender.send("5005", hello, "de", "d7")).toEqual({ kind: "transient", reason: "Internal Server Error" });
    server.faults.dropConnection({ chatId: 5005 });
    expect((await sender.send("5005", hello, "de", "d8")).kind).toBe("transient");
    expect((await sender.send("5005", hello, "de", "d9")).kind).toBe("sent");
  });

  it("maps other refusals to permanent", async () => {
    const outcome = await sender.send("5007", { html: "<b>offen" }, "de", "d10");
    expect(outcome.kind).toBe("permanent");
    const tooLong = await sender.send("5007", { html: "x", choices: [[{ label: "x", action: `a:${"b".repeat(70)}` }]] }, "de", "d11");
    expect(tooLong.kind).toBe("permanent");
    expect(server.sentMessages(5007)).toEqual([]);
  });

  it("sends a PNG as a photo with the text as caption", async () => {
    const outcome = await sender.send("5008", { html: "<b>Ergebnis</b> der Umfrage", image: { bytes: PNG, alt: "Balkendiagramm" } }, "de", "d12");
    expect(outcome.kind).toBe("sent");
    const [photo] = server.sentMessages(5008);
    expect(photo?.method).toBe("sendPhoto");
    expect(photo?.caption).toBe("Ergebnis der Umfrage");
    expect(server.file(photo!.photoFileId!)?.bytes.equals(PNG)).toBe(true);
  });

  it("sends the photo first and then the text when the caption would be too long", async () => {
    const long = "Sehr lange Begründung. ".repeat(Math.ceil((MAX_CAPTION_CHARS + 10) / 23));
    const message = { html: long, image: { bytes: PNG, alt: "Diagramm" }, choices: [[{ label: "Weiter", action: "results:next" }]] };
    expect((await sender.send("5009", message, "de", "d13")).kind).toBe("sent");
    const [photo, text] = server.sentMessages(5009);
    expect(photo?.method).toBe("sendPhoto");
    expect(photo?.caption).toBeUndefined();
    expect(photo?.replyMarkup).toBeUndefined();
    expect(text?.method).toBe("sendMessage");
    expect(text?.replyMarkup?.inline_keyboard.flat()).toHaveLength(1);
  });

  it("sends the text with the picture's description when Telegram refuses the picture", async () => {
    const refusal = server.faults.error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS", undefined, { method: "sendPhoto", chatId: 5020 });
    const message = { html: "<b>Neue Idee #7</b>", image: { bytes: PNG, alt: "Foto zur Idee „Bank“" }, choices: [[{ label: "Freigeben", action: "mod:ok:7" }]] };
    expect((await sender.send("5020", message, "de", "d14")).kind).toBe("sent");
    expect(refusal.hits).toBe(1);
    const sent = server.sentMessages(5020);
    expect(sent.map((m) => m.method)).toEqual(["sendMessage"]);
    expect(sent[0]!.text).toBe("Neue Idee #7\n\nFoto zur Idee „Bank“");
    expect(sent[0]!.replyMarkup?.inline_keyboard.flat()).toHaveLength(1);
  });

  it("still treats other refusals of a photo as refusals", async () => {
    server.faults.error(403, "Forbidden: bot was blocked by the user", undefined, { method: "sendPhoto", chatId: 5011 });
    const outcome = await sender.send("5011", { html: "Hallo", image: { bytes: PNG, alt: "Bild" } }, "de", "d15");
    expect(outcome.kind).toBe("gone");
    expect(server.sentMessages(5011)).toEqual([]);
  });
});
