import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PHOTO_MAX_BYTES } from "../../../src/core/model/photo.js";
import { createLogger } from "../../../src/logger.js";
import { photoEchoFeature } from "../photo-echo-feature.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { tinyPng } from "../../support/tiny-png.js";
import { samePicture } from "../../support/same-picture.js";
import type { SentMessage } from "../../support/telegram/bot-api-server.js";
import { createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

const anna = { id: 4301, first_name: "Anna", language_code: "en" };
const group = { id: -1004301, type: "supergroup" as const, title: "Hammah aktuell" };

describe("Telegram channel receiving photos", () => {
  let bed: TelegramTestbed;
  const logLines: string[] = [];

  beforeAll(async () => {
    // The app's own pino logger, so the check below sees what would really be written.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    bed = await createTelegramTestbed({ extraFeatures: [photoEchoFeature], logger: createLogger({ level: "debug", file: undefined }, sink) });
    await bed.harness.onboard({ channel: "telegram", userId: String(anna.id) }, { locale: "en" });
  });
  afterEach(() => {
    bed.server.faults.clear();
    expect(bed.server.internalErrors()).toEqual([]);
  });
  afterAll(async () => bed?.dispose());

  const count = () => bed.server.sentMessages(anna.id).length;

  async function enterFlow(): Promise<void> {
    const before = count();
    bed.server.userSendsText(anna, anna.id, "/photoecho");
    const [prompt] = await bed.repliesAfter(anna.id, before);
    expect(prompt?.text).toBe("Send me a photo.");
  }

  async function send(bytes: Uint8Array, options?: Parameters<TelegramTestbed["server"]["userSendsPhoto"]>[3]): Promise<SentMessage> {
    const before = count();
    bed.server.userSendsPhoto(anna, anna.id, bytes, options);
    const replies = await bed.repliesAfter(anna.id, before);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  }

  const echoedBytes = (reply: SentMessage) => bed.server.file(reply.photoFileId ?? "")?.bytes;

  it("tells a resident outside a photo flow where photos go", async () => {
    const before = count();
    bed.server.userSendsPhoto(anna, anna.id, tinyJpeg());
    const replies = await bed.repliesAfter(anna.id, before, { min: 2 });
    expect(replies[0]?.text).toContain("I cannot use a photo here.");
  });

  it("receives a JPEG photo and a PNG sent as a file as the same pictures, and echoes them back", async () => {
    await enterFlow();
    const jpeg = tinyJpeg(640, 480, "Bank am Dorfteich");
    const photo = await send(jpeg, { caption: "Die Bank <am> Teich" });
    expect(photo.method).toBe("sendPhoto");
    expect(photo.caption).toBe("status ok; caption Die Bank <am> Teich");
    expect(await samePicture(echoedBytes(photo)!, jpeg)).toBe(true);

    const png = tinyPng(6, [30, 120, 30]);
    const file = await send(png, { document: { mimeType: "image/png", fileName: "plan.png" } });
    expect(file.method).toBe("sendPhoto");
    expect(file.caption).toBe("status ok; caption (none)");
    expect(await samePicture(echoedBytes(file)!, png, 0)).toBe(true);
  });

  it("answers too-large for a file announced above the limit without downloading it", async () => {
    const getFiles = bed.server.calls("getFile").length;
    const downloads = bed.server.stats().fileDownloads;
    // A raw camera file sent as a document; Telegram's own photos stay far below 5 MB.
    const raw = await send(tinyJpeg(), { document: { mimeType: "image/jpeg", fileName: "DSC_0042.JPG" }, declaredBytes: PHOTO_MAX_BYTES + 1, caption: "Riesig" });
    expect(raw.text).toBe("status too-large; caption Riesig");
    expect(bed.server.calls("getFile")).toHaveLength(getFiles);
    expect(bed.server.stats().fileDownloads).toBe(downloads);
  });

  it("takes a smaller size of a photo when the full one is announced above the limit", async () => {
    const thumbnail = tinyJpeg(90, 68, "kleine Fassung");
    const reply = await send(tinyJpeg(2560, 1920, "volle Fassung"), { thumbnail, declaredBytes: PHOTO_MAX_BYTES + 1 });
    expect(reply.caption).toBe("status ok; caption (none)");
    expect(await samePicture(echoedBytes(reply)!, thumbnail)).toBe(true);
  });

  it("answers unsupported for a PDF, and for a file that only claims to be a picture", async () => {
    const getFiles = bed.server.calls("getFile").length;
    const pdf = Buffer.from("%PDF-1.7\n% Antrag auf eine Bank\n");
    const reply = await send(pdf, { document: { mimeType: "application/pdf", fileName: "antrag.pdf" }, caption: "Antrag" });
    expect(reply.text).toBe("status unsupported; caption Antrag");
    // A PDF is refused by its declared type, without fetching it.
    expect(bed.server.calls("getFile")).toHaveLength(getFiles);

    const disguised = await send(pdf, { document: { mimeType: "image/jpeg", fileName: "bank.jpg" } });
    expect(disguised.text).toBe("status unsupported; caption (none)");
    expect(bed.server.calls("getFile")).toHaveLength(getFiles + 1);
  });

  it("answers unavailable when Telegram does not hand the file over, and keeps working", async () => {
    const refused = bed.server.faults.error(400, "Bad Request: wrong file_id or the file is temporarily unavailable", undefined, { method: "getFile", times: 1 });
    const reply = await send(tinyJpeg(), { caption: "Erster Versuch" });
    expect(reply.text).toBe("status unavailable; caption Erster Versuch");
    expect(refused.hits).toBe(1);

    bed.server.faults.dropConnection({ method: "getFile" });
    expect((await send(tinyJpeg())).text).toBe("status unavailable; caption (none)");

    const again = tinyJpeg(32, 32, "zweiter Versuch");
    const retry = await send(again, { caption: "Zweiter Versuch" });
    expect(retry.caption).toBe("status ok; caption Zweiter Versuch");
    expect(await samePicture(echoedBytes(retry)!, again)).toBe(true);

    const logged = logLines.join("");
    expect(logged).toContain("could not download a photo a resident sent");
    expect(logged).toContain("wrong file_id or the file is temporarily unavailable");
    // The download path carries the token; no failure may put it into the log.
    const secret = bed.server.token.split(":")[1]!;
    expect(logged).not.toContain(secret);
  });

  it("ignores photos in groups", async () => {
    bed.server.addChat(group);
    const getFiles = bed.server.calls("getFile").length;
    bed.server.userSendsPhoto(anna, group.id, tinyJpeg(), { caption: "Schaut mal, die neue Bank" });
    bed.server.userSendsPhoto(anna, group.id, tinyPng(), { document: { mimeType: "image/png" } });
    // Updates of one chat are handled in order, so once /help is answered the photos were seen.
    bed.server.userSendsText(anna, group.id, "/help");
    const replies = await bed.repliesAfter(group.id, 0);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.method).toBe("sendMessage");
    expect(bed.server.calls("getFile")).toHaveLength(getFiles);
  });
});
