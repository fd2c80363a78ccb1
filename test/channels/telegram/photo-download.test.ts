import { Writable } from "node:stream";
import { Bot } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { telegramPhotoSource, TelegramFileError } from "../../../src/channels/telegram/photo-download.js";
import { PhotoTooLargeError, receivePhoto } from "../../../src/channels/receive-photo.js";
import { createLogger } from "../../../src/logger.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { createBotApiServer } from "../../support/telegram/bot-api-server.js";

const anna = { id: 4401, first_name: "Anna" };

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe("downloading a resident's photo from a Bot API server", () => {
  const server = createBotApiServer();
  // Same token, none of the files: its download path answers 404.
  const empty = createBotApiServer();
  const closed = createBotApiServer();
  let bot: Bot;
  const secret = server.token.split(":")[1]!;
  const signal = () => AbortSignal.timeout(5_000);

  beforeAll(async () => {
    await Promise.all([server.start(), empty.start(), closed.start()]);
    await closed.stop(); // its port now refuses connections
    bot = new Bot(server.token, { client: { apiRoot: server.url } });
  });
  afterEach(() => server.faults.clear());
  afterAll(async () => {
    await Promise.all([server.stop(), empty.stop()]);
  });

  function fullSize(bytes: Uint8Array) {
    const photo = server.userSendsPhoto(anna, anna.id, bytes).message?.photo ?? [];
    const size = photo.at(-1)!;
    return { fileId: size.file_id, declaredBytes: size.file_size };
  }

  it("fetches the bytes getFile points to", async () => {
    const jpeg = tinyJpeg(48, 32, "Spielplatz");
    const source = telegramPhotoSource(fullSize(jpeg), { api: bot.api, token: server.token, apiRoot: server.url });
    expect(source.declaredBytes).toBe(jpeg.length);
    expect(Buffer.from(await source.download(signal(), 1024 * 1024)).equals(Buffer.from(jpeg))).toBe(true);
  });

  it("stops at getFile when the file turns out larger than the limit", async () => {
    const jpeg = tinyJpeg(64, 64, "zu groß");
    const downloads = server.stats().fileDownloads;
    const source = telegramPhotoSource({ fileId: fullSize(jpeg).fileId }, { api: bot.api, token: server.token, apiRoot: server.url });
    expect(await failureOf(source.download(signal(), jpeg.length - 1))).toBeInstanceOf(PhotoTooLargeError);
    expect(server.stats().fileDownloads).toBe(downloads);
  });

  it("describes every failure without the token", async () => {
    const file = fullSize(tinyJpeg());
    const failures: unknown[] = [];
    server.faults.error(400, "Bad Request: invalid file_id", undefined, { method: "getFile", times: 1 });
    failures.push(await failureOf(telegramPhotoSource(file, { api: bot.api, token: server.token, apiRoot: server.url }).download(signal(), 1 << 20)));
    server.faults.dropConnection({ method: "getFile" });
    failures.push(await failureOf(telegramPhotoSource(file, { api: bot.api, token: server.token, apiRoot: server.url }).download(signal(), 1 << 20)));
    failures.push(await failureOf(telegramPhotoSource(file, { api: bot.api, token: server.token, apiRoot: empty.url }).download(signal(), 1 << 20)));
    failures.push(await failureOf(telegramPhotoSource(file, { api: bot.api, token: server.token, apiRoot: closed.url }).download(signal(), 1 << 20)));

    expect(failures.map((f) => (f instanceof TelegramFileError ? f.message : f))).toEqual([
      "getFile failed: 400: Bad Request: invalid file_id",
      expect.stringMatching(/^getFile failed: Network request for 'getFile' failed!/),
      "file download failed: Error: download answered HTTP 404",
      expect.stringMatching(/^file download failed: TypeError: /),
    ]);
    for (const failure of failures) {
      expect(failure).not.toHaveProperty("cause");
      expect(JSON.stringify({ ...(failure as object), stack: (failure as Error).stack })).not.toContain(secret);
    }
  });

  it("turns failures into 'unavailable' and logs them without the token", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: "debug", file: undefined }, sink);
    const file = fullSize(tinyJpeg());
    expect(await receivePhoto(telegramPhotoSource(file, { api: bot.api, token: server.token, apiRoot: closed.url }), log)).toEqual({ status: "unavailable" });
    expect(await receivePhoto(telegramPhotoSource(file, { api: bot.api, token: server.token, apiRoot: empty.url }), log)).toEqual({ status: "unavailable" });
    expect(lines).toHaveLength(2);
    expect(lines.join("")).toContain("TelegramFileError");
    expect(lines.join("")).not.toContain(secret);
  });
});
