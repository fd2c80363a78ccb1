import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tinyJpeg } from "../tiny-jpeg.js";
import { createBotApiServer, type BotApiServer } from "./bot-api-server.js";

// A real 2×1 PNG (IHDR says width 2, height 1), so the server's size detection is exercised too.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000020000000108060000007b40e8dd0000001149444154789c63f8cfc0f09f8181e13f00000cf602fe5ae0b7e40000000049454e44ae426082",
  "hex",
);

const anna = { id: 4201, first_name: "Anna", language_code: "de" };

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe("loopback Bot API server driven by grammY", () => {
  const server = createBotApiServer({ botUsername: "mitreden_test_bot" });
  let bot: Bot;

  beforeAll(async () => {
    await server.start();
    bot = new Bot(server.token, { client: { apiRoot: server.url } });
  });
  afterEach(() => {
    server.faults.clear();
    expect(server.internalErrors()).toEqual([]);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("answers getMe with the configured bot", async () => {
    await bot.init();
    expect(bot.botInfo.username).toBe("mitreden_test_bot");
    expect(bot.botInfo.id).toBe(Number(server.token.split(":")[0]));
    expect(bot.botInfo.is_bot).toBe(true);
  });

  it("rejects an unknown token with 401 and an unknown method with 404", async () => {
    const stranger = new Bot("999:wrong", { client: { apiRoot: server.url } });
    const unauthorized = await apiError(stranger.api.getMe());
    expect(unauthorized.error_code).toBe(401);
    expect(unauthorized.description).toBe("Unauthorized");
    const missing = await apiError(fetchJson(`${server.url}/bot${server.token}/noSuchMethod`));
    expect(missing.error_code).toBe(404);
  });

  it("delivers a pushed text update to a long-polling bot and records its reply", async () => {
    const polling = new Bot(server.token, { client: { apiRoot: server.url } });
    polling.command("start", (ctx) => ctx.reply(`Moin ${ctx.from?.first_name ?? ""}, <b>willkommen</b>!`, { parse_mode: "HTML" }));
    const running = polling.start({ timeout: 5 });
    // Give the bot time to reach its held getUpdates call, so the update wakes a long poll.
    await waitFor(() => server.calls("getUpdates").length > 0);
    const update = server.userSendsText(anna, anna.id, "/start");
    expect(update.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    const [reply] = await server.waitForMessages((m) => m.chatId === anna.id, { timeoutMs: 3_000 });
    expect(reply?.text).toBe("Moin Anna, willkommen!");
    expect(reply?.entities).toEqual([{ type: "bold", offset: 11, length: 10 }]);
    expect(reply?.rawText).toBe("Moin Anna, <b>willkommen</b>!");
    await polling.stop();
    await running;
    // stop() confirmed the update, so nothing is pending any more.
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it("holds getUpdates until an update arrives, confirms by offset and allows redelivery", async () => {
    const started = Date.now();
    const held = bot.api.getUpdates({ timeout: 5 });
    setTimeout(() => server.userSendsText(anna, anna.id, "Hallo"), 150);
    const [first] = await held;
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(first?.message?.text).toBe("Hallo");
    // Unconfirmed updates come again; an offset past them confirms.
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([first?.update_id]);
    expect(await bot.api.getUpdates({ offset: (first?.update_id ?? 0) + 1, timeout: 0 })).toEqual([]);
    // A test can deliver the same update again to check idempotency.
    server.pushUpdate(first as NonNullable<typeof first>);
    const again = await bot.api.getUpdates({ offset: (first?.update_id ?? 0) + 1, timeout: 0 });
    expect(again.map((u) => u.update_id)).toEqual([first?.update_id]);
    await bot.api.getUpdates({ offset: (first?.update_id ?? 0) + 1, timeout: 0 });
    // An empty long poll returns after its timeout.
    const idle = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - idle).toBeGreaterThanOrEqual(900);
  });

  it("sends a raw update with NUL and a lone surrogate escaped, as Telegram does", async () => {
    const update = server.pushRawUpdate(
      `{"message":{"message_id":1,"date":1764590000,"chat":{"id":4201,"type":"private"},"from":{"id":4201,"is_bot":false,"first_name":"A\\u0000n\\ud800"},"text":"hello\\u0000world"}}`,
    );
    const response = await fetch(`${server.url}/bot${server.token}/getUpdates`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeout: 0 }) });
    const wire = await response.text();
    expect(wire).toContain(String.raw`"text":"hello\u0000world"`);
    expect(wire).toContain(String.raw`"first_name":"A\u0000n\ud800"`);
    const [parsed] = (JSON.parse(wire) as { result: { message: { text: string; from: { first_name: string } } }[] }).result;
    expect(parsed?.message.text).toBe("hello\u0000world");
    expect(parsed?.message.from.first_name).toBe("A\u0000n\ud800");
    await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 });
  });

  it("drops updates of types left out of allowed_updates", async () => {
    const sent = await bot.api.sendMessage(anna.id, "Knopf", { reply_markup: new InlineKeyboard().text("A", "a") });
    server.userSendsText(anna, anna.id, "wird verworfen");
    const press = server.userPressesButton(anna, anna.id, sent.message_id, "a");
    const updates = await bot.api.getUpdates({ allowed_updates: ["callback_query"], timeout: 0 });
    expect(updates.map((u) => u.update_id)).toEqual([press.update_id]);
    await bot.api.getUpdates({ offset: press.update_id + 1, allowed_updates: [], timeout: 0 });
  });

  it("answers a second getUpdates with 409 for the overtaken one", async () => {
    const before = server.calls("getUpdates").length;
    const first = bot.api.getUpdates({ timeout: 5 });
    await waitFor(() => server.calls("getUpdates").length > before);
    const second = bot.api.getUpdates({ timeout: 0 });
    const conflict = await apiError(first);
    expect(conflict.error_code).toBe(409);
    expect(await second).toEqual([]);
  });

  it("numbers messages per chat and validates HTML like Telegram", async () => {
    const a = await bot.api.sendMessage(7001, "eins");
    const b = await bot.api.sendMessage(7001, "zwei", { allow_paid_broadcast: true });
    const c = await bot.api.sendMessage(7002, "drei");
    expect([a.message_id, b.message_id, c.message_id]).toEqual([1, 2, 1]);
    expect(b.chat).toMatchObject({ id: 7001, type: "private" });
    expect(server.sentMessages(7001).map((m) => [m.text, m.paidBroadcast])).toEqual([["eins", false], ["zwei", true]]);
    const link = await bot.api.sendMessage(7001, 'Siehe <a href="https://example.org/?a=1&amp;b=2">Plan</a> &amp; mehr', { parse_mode: "HTML" });
    expect(link.text).toBe("Siehe Plan & mehr");
    expect(link.entities).toEqual([{ type: "text_link", offset: 6, length: 4, url: "https://example.org/?a=1&b=2" }]);
    for (const bad of ["Zeile<br>Zeile", "<b>offen", "<b><i>x</b></i>", "a < b", "</b>"]) {
      const error = await apiError(bot.api.sendMessage(7001, bad, { parse_mode: "HTML" }));
      expect(error.error_code).toBe(400);
      expect(error.description).toMatch(/^Bad Request: can't parse entities: /);
    }
    expect((await apiError(bot.api.sendMessage(7001, "   "))).description).toBe("Bad Request: message text is empty");
    expect((await apiError(bot.api.sendMessage(7001, "x".repeat(4097)))).description).toBe("Bad Request: message is too long");
  });

  it("rejects callback_data over 64 bytes with BUTTON_DATA_INVALID", async () => {
    const ok = new InlineKeyboard().text("ok", "x".repeat(64));
    await bot.api.sendMessage(7003, "passt", { reply_markup: ok });
    // 33 umlauts are 33 characters but 66 bytes: Telegram counts bytes.
    const tooLong = new InlineKeyboard().text("zu lang", "ä".repeat(33));
    const error = await apiError(bot.api.sendMessage(7003, "zu lang", { reply_markup: tooLong }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("delivers a button press as callback_query and records answer and edit", async () => {
    const sent = await bot.api.sendMessage(anna.id, "Frage?", {
      reply_markup: new InlineKeyboard().text("Ja", "vote:yes").text("Nein", "vote:no"),
    });
    const update = server.userPressesButton(anna, anna.id, sent.message_id, "vote:yes");
    const query = update.callback_query;
    expect(query).toMatchObject({ from: { id: anna.id }, data: "vote:yes", message: { message_id: sent.message_id, text: "Frage?" } });
    expect(typeof query?.chat_instance).toBe("string");
    expect(() => server.userPressesButton(anna, anna.id, sent.message_id, "vote:maybe")).toThrow(/no button/);

    const handler = new Bot(server.token, { botInfo: bot.botInfo, client: { apiRoot: server.url } });
    handler.on("callback_query:data", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Danke!" });
      await ctx.editMessageText("Frage? – beantwortet");
    });
    await handler.handleUpdate(update);
    expect(server.callbackAnswer(query?.id ?? "")).toMatchObject({ text: "Danke!" });
    const [edited] = server.sentMessages(anna.id).filter((m) => m.messageId === sent.message_id);
    expect(edited?.text).toBe("Frage? – beantwortet");
    expect(edited?.replyMarkup).toBeUndefined();
    expect(edited?.editedAt).toBeTypeOf("number");
    // A query can be answered only once; an unchanged edit is refused like on Telegram.
    expect((await apiError(bot.api.answerCallbackQuery(query?.id ?? ""))).description).toMatch(/query is too old/);
    expect((await apiError(bot.api.editMessageText(anna.id, sent.message_id, "Frage? – beantwortet"))).description).toMatch(/message is not modified/);
    expect((await apiError(bot.api.editMessageReplyMarkup(anna.id, 9999, { reply_markup: new InlineKeyboard().text("a", "b") }))).description).toBe(
      "Bad Request: message to edit not found",
    );
  });

  it("stores a multipart sendPhoto upload and serves it via getFile", async () => {
    const message = await bot.api.sendPhoto(7004, new InputFile(PNG, "chart.png"), { caption: "<i>Ergebnis</i>", parse_mode: "HTML" });
    const [size] = message.photo;
    expect(size).toMatchObject({ width: 2, height: 1, file_size: PNG.length });
    expect(message.caption).toBe("Ergebnis");
    expect(server.file(size?.file_id ?? "")?.bytes.equals(PNG)).toBe(true);
    const call = server.calls("sendPhoto").at(-1);
    expect(call?.params).toMatchObject({ chat_id: "7004", caption: "<i>Ergebnis</i>" });
    const file = await bot.api.getFile(size?.file_id ?? "");
    const download = await fetch(`${server.url}/file/bot${server.token}/${file.file_path ?? ""}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    // Re-sending by file_id needs no upload.
    const again = await bot.api.sendPhoto(7005, size?.file_id ?? "");
    expect(again.photo[0]?.file_id).toBe(size?.file_id);
  });

  it("takes a multipart sendDocument upload with its name, caption and buttons, and lets tests read the bytes", async () => {
    const json = Buffer.from(JSON.stringify({ resident: { id: 7, village: "Hammah" } }), "utf8");
    const message = await bot.api.sendDocument(7010, new InputFile(json, "mydata-2026-11-27.json"), {
      caption: "<b>Deine Daten</b> &amp; mehr",
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Menü", "menu"),
    });
    expect(message.document).toMatchObject({ file_name: "mydata-2026-11-27.json", mime_type: "application/json", file_size: json.length });
    expect(message.document?.file_id).toMatch(/^BQAC/);
    expect(message.caption).toBe("Deine Daten & mehr");
    expect(message.caption_entities).toEqual([{ type: "bold", offset: 0, length: 11 }]);
    const [sent] = server.documents(7010);
    expect(sent).toMatchObject({ chatId: 7010, messageId: message.message_id, fileName: "mydata-2026-11-27.json", mimeType: "application/json", caption: "Deine Daten & mehr" });
    expect(JSON.parse(sent!.bytes.toString("utf8"))).toEqual({ resident: { id: 7, village: "Hammah" } });
    expect(server.sentMessages(7010).at(-1)?.replyMarkup?.inline_keyboard[0]?.[0]).toMatchObject({ text: "Menü" });
    // The same file again by its id, as Telegram allows.
    const again = await bot.api.sendDocument(7011, message.document!.file_id);
    expect(again.document?.file_id).toBe(message.document?.file_id);
  });

  it("counts a document caption after entity parsing: 1,024 characters pass, 1,025 are refused", async () => {
    const file = () => new InputFile(Buffer.from("{}"), "a.json");
    const fits = `<b>${"x".repeat(1000)}</b>${"&amp;".repeat(24)}`;
    expect((await bot.api.sendDocument(7012, file(), { caption: fits, parse_mode: "HTML" })).caption).toHaveLength(1024);
    const error = await apiError(bot.api.sendDocument(7012, file(), { caption: `${fits}y`, parse_mode: "HTML" }));
    expect(error.description).toBe("Bad Request: message caption is too long");
  });

  it("refuses a document without a file name, an empty one and one above 50 MB", async () => {
    const boundary = "mitreden-test-boundary";
    const multipart = (disposition: string, bytes: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n7013\r\n--${boundary}\r\n${disposition}\r\ncontent-type:application/octet-stream\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const post = (body: Buffer) =>
      fetch(`${server.url}/bot${server.token}/sendDocument`, { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
    const answer = async (body: Buffer) => {
      const response = await post(body);
      return { status: response.status, body: (await response.json()) as { description?: string } };
    };
    // Without a file name the part is an ordinary field, and Telegram finds no document in it.
    const nameless = await answer(multipart(`content-disposition:form-data;name="document"`, Buffer.from("{}")));
    expect(nameless.status).toBe(400);
    expect(nameless.body.description).toMatch(/^Bad Request: (there is no document in the request|wrong file identifier)/);
    const emptyName = await answer(multipart(`content-disposition:form-data;name="document";filename=""`, Buffer.from("{}")));
    expect(emptyName.body.description).toBe("Bad Request: there is no document in the request");
    const empty = await answer(multipart(`content-disposition:form-data;name="document";filename="a.json"`, Buffer.alloc(0)));
    expect(empty.body.description).toBe("Bad Request: file must be non-empty");
    const large = await answer(multipart(`content-disposition:form-data;name="document";filename="big.json"`, Buffer.alloc(50 * 1024 * 1024 + 1, 0x20)));
    expect(large).toMatchObject({ status: 413, body: { description: "Request Entity Too Large" } });
    expect(server.documents(7013)).toEqual([]);
  });

  it("delivers a user's photo with a thumbnail and the full size, both downloadable", async () => {
    const jpeg = Buffer.from(tinyJpeg(400, 300, "Bank am Dorfteich"));
    const downloadsBefore = server.stats().fileDownloads;
    const update = server.userSendsPhoto(anna, anna.id, jpeg, { caption: "Die Bank" });
    const message = update.message;
    expect(message).toMatchObject({ chat: { id: anna.id, type: "private" }, from: { id: anna.id }, caption: "Die Bank" });
    const [thumbnail, full] = message?.photo ?? [];
    expect(message?.photo).toHaveLength(2);
    expect(thumbnail).toMatchObject({ width: 90, height: 68 });
    expect(full).toMatchObject({ width: 400, height: 300, file_size: jpeg.length });
    for (const size of [thumbnail, full]) {
      expect(size?.file_id).toMatch(/^AgAC/);
      expect(size?.file_unique_id).toBeTypeOf("string");
    }
    expect(thumbnail?.file_id).not.toBe(full?.file_id);
    const download = async (fileId: string) => {
      const file = await bot.api.getFile(fileId);
      const response = await fetch(`${server.url}/file/bot${server.token}/${file.file_path ?? ""}`);
      return { file, bytes: Buffer.from(await response.arrayBuffer()) };
    };
    const fetched = await download(full?.file_id ?? "");
    expect(fetched.bytes.equals(jpeg)).toBe(true);
    expect(fetched.file.file_size).toBe(jpeg.length);
    // The thumbnail is another file, so a bot fetching the wrong size gets other bytes.
    const small = await download(thumbnail?.file_id ?? "");
    expect(small.bytes.length).toBe(thumbnail?.file_size);
    expect(small.bytes.equals(jpeg)).toBe(false);
    expect(server.stats().fileDownloads - downloadsBefore).toBe(2);
    // The bot's own pictures and the user's live in the same store.
    expect(server.file(full?.file_id ?? "")?.bytes.equals(jpeg)).toBe(true);
  });

  it("delivers a picture sent as a file, an announced size of its own, and photos into groups", async () => {
    const update = server.userSendsPhoto(anna, anna.id, PNG, { document: { mimeType: "image/png", fileName: "plan.png" }, declaredBytes: 6_000_000 });
    const document = update.message?.document;
    expect(update.message?.photo).toBeUndefined();
    expect(document).toMatchObject({ file_name: "plan.png", mime_type: "image/png", file_size: 6_000_000, thumbnail: { width: 2, height: 1 } });
    expect(document?.file_id).toMatch(/^BQAC/);
    const file = await bot.api.getFile(document?.file_id ?? "");
    expect(file.file_path).toMatch(/^documents\/.+\.png$/);
    // Without a type the server guesses from the bytes, like a client does from the extension.
    expect(server.userSendsPhoto(anna, anna.id, PNG, { document: {} }).message?.document?.mime_type).toBe("image/png");
    expect(server.userSendsPhoto(anna, anna.id, Buffer.from("%PDF-1.7"), { document: {} }).message?.document?.mime_type).toBe("application/octet-stream");

    const photo = server.userSendsPhoto(anna, anna.id, tinyJpeg(), { declaredBytes: 7_000_000 }).message?.photo;
    expect(photo?.at(-1)?.file_size).toBe(7_000_000);
    const inGroup = server.userSendsPhoto(anna, -4300, tinyJpeg());
    expect(inGroup.message?.chat).toMatchObject({ id: -4300, type: "group" });
    expect(inGroup.message).not.toHaveProperty("caption");
    await bot.api.getUpdates({ offset: inGroup.update_id + 1, timeout: 0 });
  });

  it("accepts urlencoded bodies and query strings", async () => {
    const form = await fetchJson(`${server.url}/bot${server.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ chat_id: "7006", text: "per Formular" }).toString(),
    });
    expect(form).toMatchObject({ ok: true, result: { chat: { id: 7006 }, text: "per Formular" } });
    const query = await fetchJson(`${server.url}/bot${server.token}/sendmessage?chat_id=7006&text=per%20Query`);
    expect(query).toMatchObject({ ok: true, result: { message_id: 2, text: "per Query" } });
  });

  it("injects 429 with retry_after for the next K calls and whole-bot flood waits", async () => {
    server.faults.tooManyRequests(7, { method: "sendMessage", times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await apiError(bot.api.sendMessage(7010, "flood"));
      expect(error.error_code).toBe(429);
      expect(error.parameters.retry_after).toBe(7);
      expect(error.description).toBe("Too Many Requests: retry after 7");
    }
    await bot.api.sendMessage(7010, "wieder da");
    const flood = server.faults.floodWait(1);
    const error = await apiError(bot.api.sendMessage(7011, "x"));
    expect(error.parameters.retry_after).toBe(1);
    await apiError(bot.api.getChat(7011));
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await bot.api.sendMessage(7011, "nach der Pause");
    expect(flood.hits).toBe(2);
    expect(server.stats().tooManyRequestsByMethod.sendMessage).toBeGreaterThanOrEqual(3);
  });

  it("injects 403 blocked, migrate_to_chat_id, 500, delays and dropped connections", async () => {
    server.faults.blockedByUser(7020);
    const blocked = await apiError(bot.api.sendMessage(7020, "hallo"));
    expect([blocked.error_code, blocked.description]).toEqual([403, "Forbidden: bot was blocked by the user"]);
    await bot.api.sendMessage(7021, "andere Chats gehen");

    server.faults.migratedToSupergroup(-4001, -1004001);
    const migrated = await apiError(bot.api.sendMessage(-4001, "Gruppe"));
    expect(migrated.error_code).toBe(400);
    expect(migrated.parameters.migrate_to_chat_id).toBe(-1004001);
    expect((await bot.api.sendMessage(-1004001, "Supergruppe")).chat.type).toBe("supergroup");

    server.faults.serverError({ method: "sendMessage", chatId: 7022 });
    expect((await apiError(bot.api.sendMessage(7022, "x"))).error_code).toBe(500);
    await bot.api.sendMessage(7022, "einmalig");

    const slow = server.faults.delay(200, { method: "getChat" });
    const started = Date.now();
    await bot.api.getChat(7022);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    slow.remove();

    server.faults.dropConnection({ method: "sendMessage" });
    const dropped = await bot.api.sendMessage(7023, "weg").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(dropped).toBeInstanceOf(HttpError);
    expect((await bot.api.sendMessage(7023, "wieder")).message_id).toBe(1);
  });

  it("keeps commands per scope and language, and chat memberships", async () => {
    await bot.api.setMyCommands([{ command: "start", description: "Starten" }], { language_code: "de" });
    await bot.api.setMyCommands([{ command: "queue", description: "Queue" }], { scope: { type: "chat", chat_id: -1005 }, language_code: "en" });
    expect(await bot.api.getMyCommands({ language_code: "de" })).toEqual([{ command: "start", description: "Starten" }]);
    expect(await bot.api.getMyCommands()).toEqual([]);
    expect(await bot.api.getMyCommands({ scope: { type: "chat", chat_id: -1005 }, language_code: "en" })).toEqual([{ command: "queue", description: "Queue" }]);
    expect((await apiError(bot.api.setMyCommands([{ command: "Bad Command", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");

    server.addChat({ id: -1005, type: "supergroup", title: "Moderation Himmelpforten" });
    server.setChatMember(-1005, anna.id, "creator", anna);
    server.setChatMember(-1005, 4202, "administrator");
    server.setChatMember(-1005, 4203, "member");
    expect((await bot.api.getChat(-1005)).title).toBe("Moderation Himmelpforten");
    expect((await bot.api.getChatMember(-1005, anna.id)).status).toBe("creator");
    expect((await bot.api.getChatMember(-1005, 4203)).status).toBe("member");
    expect((await bot.api.getChatMember(-1005, 4299)).status).toBe("left");
    const admins = await bot.api.getChatAdministrators(-1005);
    expect(admins.map((a) => [a.user.id, a.status]).sort()).toEqual([[4201, "creator"], [4202, "administrator"]]);
    await bot.api.leaveChat(-1005);
    const gone = await apiError(bot.api.sendMessage(-1005, "noch da?"));
    expect([gone.error_code, gone.description]).toEqual([403, "Forbidden: bot is not a member of the supergroup chat"]);
  });

  it("logs calls with parameters and counts them per method", () => {
    const stats = server.stats();
    expect(stats.byMethod.sendMessage).toBeGreaterThan(10);
    expect(stats.errorsByCode["400"]).toBeGreaterThan(0);
    const call = server.calls("sendMessage")[0];
    expect(call).toMatchObject({ method: "sendMessage", status: 200 });
    expect(call?.at).toBeTypeOf("number");
  });
});

describe("Telegram limit enforcement", () => {
  const server = createBotApiServer({ limits: { perChatPerSecond: 1, perBotPerSecond: 30, perGroupPerMinute: 20 }, recordMessages: false });
  const groupServer = createBotApiServer({ limits: { perChatPerSecond: 100, perGroupPerMinute: 20 } });
  beforeAll(async () => {
    await Promise.all([server.start(), groupServer.start()]);
  });
  afterAll(async () => {
    await Promise.all([server.stop(), groupServer.stop()]);
  });

  it("answers 429 beyond 1 msg/s per chat and 30 msgs/s per bot, and counts them", async () => {
    const bot = new Bot(server.token, { client: { apiRoot: server.url } });
    await bot.api.sendMessage(8000, "eins");
    const second = await apiError(bot.api.sendMessage(8000, "zwei"));
    expect(second.error_code).toBe(429);
    expect(second.parameters.retry_after).toBe(1);
    const results = await Promise.allSettled(Array.from({ length: 35 }, (_, i) => bot.api.sendMessage(8100 + i, "breit")));
    // One send already used the bot's budget for this second.
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(29);
    const stats = server.stats();
    expect(stats.rateLimited).toBe(7);
    expect(stats.tooManyRequests).toBe(7);
    expect(stats.messagesSent).toBe(30);
    expect(server.sentMessages()).toEqual([]);
    // Paid broadcast lifts the overall limit but not the per-chat one.
    const paid = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => bot.api.sendMessage(8200 + i, "bezahlt", { allow_paid_broadcast: true })));
    expect(paid.every((r) => r.status === "fulfilled")).toBe(true);
  });

  it("answers 429 with a minute-scale retry_after beyond 20 msgs/min in a group", async () => {
    const bot = new Bot(groupServer.token, { client: { apiRoot: groupServer.url } });
    groupServer.addChat({ id: -4100, type: "group", title: "Feuerwehr Hammah" });
    for (let i = 0; i < 20; i++) await bot.api.sendMessage(-4100, `Nachricht ${i}`);
    const error = await apiError(bot.api.sendMessage(-4100, "eine zu viel"));
    expect(error.parameters.retry_after).toBeGreaterThan(50);
    expect(error.parameters.retry_after).toBeLessThanOrEqual(60);
    expect(groupServer.stats().rateLimited).toBe(1);
    expect(groupServer.sentMessages(-4100)).toHaveLength(20);
  });
});

describe("throughput", () => {
  const server = createBotApiServer({ recordMessages: false });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it("carries 3,000 concurrent grammY sends with only counters kept", async () => {
    const bot = new Bot(server.token, { client: { apiRoot: server.url } });
    const total = 3_000;
    let next = 0;
    // 50 concurrent senders over keep-alive connections, like a dispatcher's worker pool.
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          const i = next++;
          await bot.api.sendMessage(100_000 + i, `Neuigkeit ${i}`);
        }
      }),
    );
    expect(server.stats().messagesSent).toBe(total);
    await server.waitForMessages(total, { timeoutMs: 100 });
    // Its rate is measured by `npm run bench`, not asserted here.
  });
});

async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, init);
  const body = (await response.json()) as { ok: boolean; error_code?: number; description?: string; parameters?: object };
  if (!body.ok) throw new GrammyError(`call failed: ${body.description ?? ""}`, body as never, "raw", {});
  return body;
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
