import { mkdirSync, mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { candidatePaths, filePhotoSource, photoFileIn, type PathContext } from "../../../src/channels/console/console-photo.js";
import { PhotoTooLargeError, receivePhoto } from "../../../src/channels/receive-photo.js";
import { PHOTO_MAX_BYTES } from "../../../src/core/model/photo.js";
import { silentLogger } from "../../support/silent-logger.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { tinyPng } from "../../support/tiny-png.js";
import { samePicture } from "../../support/same-picture.js";

const root = mkdtempSync(join(tmpdir(), "mitreden-console-photo-"));
const home = join(root, "home");
const cwd = join(root, "work");
mkdirSync(join(home, "Bilder"), { recursive: true });
mkdirSync(join(cwd, "fotos"), { recursive: true });
const context: PathContext = { cwd, home };
afterAll(() => rmSync(root, { recursive: true, force: true }));

const png = tinyPng(5);
writeFileSync(join(cwd, "fotos", "bank.png"), png);
writeFileSync(join(home, "Bilder", "Die Bank (alt).JPG"), tinyJpeg());
writeFileSync(join(cwd, "notiz.txt"), png); // picture bytes, but not a picture's name
mkdirSync(join(cwd, "ordner.png"));

describe("a terminal line naming a photo file", () => {
  it("is found relative to the working directory, under ~ and as an absolute path", async () => {
    expect(await photoFileIn("fotos/bank.png", context)).toEqual({ path: join(cwd, "fotos", "bank.png"), bytes: png.length });
    expect((await photoFileIn("./fotos/../fotos/bank.png", context))?.path).toBe(join(cwd, "fotos", "bank.png"));
    expect((await photoFileIn(join(cwd, "fotos", "bank.png"), context))?.path).toBe(join(cwd, "fotos", "bank.png"));
    expect((await photoFileIn("~/Bilder/Die Bank (alt).JPG", context))?.path).toBe(join(home, "Bilder", "Die Bank (alt).JPG"));
  });

  it("is found as terminals paste a dropped file: quoted, with escaped spaces, or as a file URL", async () => {
    const jpeg = join(home, "Bilder", "Die Bank (alt).JPG");
    expect((await photoFileIn(`'${jpeg}'`, context))?.path).toBe(jpeg);
    expect((await photoFileIn(`  "${jpeg}" `, context))?.path).toBe(jpeg);
    expect((await photoFileIn(jpeg.replace(/([ ()])/g, "\\$1"), context))?.path).toBe(jpeg);
    expect((await photoFileIn(pathToFileURL(jpeg).href, context))?.path).toBe(jpeg);
    expect((await photoFileIn(`'${pathToFileURL(jpeg).href}'`, context))?.path).toBe(jpeg);
  });

  it("stays text unless it names an existing file called .jpg, .jpeg or .png", async () => {
    for (const line of [
      "notiz.txt", // exists, picture bytes, but the name says text
      "fehlt.png", // no such file
      "ordner.png", // a directory
      "Die Bank am Spielplatz ist kaputt, siehe bank.png",
      "'fotos/bank.png", // unbalanced quote
      "file://server.example/fotos/bank.png", // another host's file
      "fotos/bank.png.txt",
      "",
    ]) {
      expect(await photoFileIn(line, context), line).toBeUndefined();
    }
  });

  it("lists the literal reading first and the unescaped one only for an unquoted line", () => {
    expect(candidatePaths("a\\ b.png", context)).toEqual([join(cwd, "a\\ b.png"), join(cwd, "a b.png")]);
    expect(candidatePaths("'a\\ b.png'", context)).toEqual([join(cwd, "a\\ b.png")]);
    expect(candidatePaths("~", context)).toEqual([home]);
  });
});

describe("reading a photo file", () => {
  it("hands over the file's picture", async () => {
    const file = (await photoFileIn("fotos/bank.png", context))!;
    const photo = await receivePhoto(filePhotoSource(file), silentLogger);
    expect(photo).toMatchObject({ status: "ok", mimeType: "image/png" });
    expect(photo.status === "ok" && (await samePicture(photo.bytes, png, 0))).toBe(true);
  });

  it("refuses a file over the limit by its size alone, without reading it", async () => {
    const path = join(cwd, "riesig.png");
    writeFileSync(path, png);
    truncateSync(path, PHOTO_MAX_BYTES + 1); // sparse: large on paper, cheap on disk
    const file = (await photoFileIn("riesig.png", context))!;
    expect(file.bytes).toBe(PHOTO_MAX_BYTES + 1);
    // Gone before the read: a read would make it "unavailable", the size check answers first.
    unlinkSync(path);
    expect(await receivePhoto(filePhotoSource(file), silentLogger)).toEqual({ status: "too-large" });
  });

  it("stops reading one byte past the limit when the file grew after its size was taken", async () => {
    const path = join(cwd, "waechst.png");
    writeFileSync(path, Buffer.alloc(64, 1));
    const source = filePhotoSource({ path, bytes: 8 });
    await expect(source.download(AbortSignal.timeout(5_000), 32)).rejects.toBeInstanceOf(PhotoTooLargeError);
    // Within the limit, the grown file is read to its end rather than cut at the stat size.
    expect((await source.download(AbortSignal.timeout(5_000), 64)).length).toBe(64);
  });

  it("answers a file that cannot be read as an unavailable photo", async () => {
    const file = { path: join(cwd, "verschwunden.png"), bytes: 100 };
    expect(await receivePhoto(filePhotoSource(file), silentLogger)).toEqual({ status: "unavailable" });
  });
});
