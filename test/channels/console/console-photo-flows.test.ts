/**
 * Photos in the terminal chat, end to end: the console channel reads typed lines from a stream,
 * turns a photo file's path into a photo event, and the assembled features (as `npm start` runs
 * them) store it with the idea or news item on an in-process PGlite database.
 */
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createConsoleChannel, type ConsoleChannel } from "../../../src/channels/console/console-channel.js";
import { PHOTO_MAX_BYTES } from "../../../src/core/model/photo.js";
import type { ContractReply } from "../channel-contract.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { tinyPng } from "../../support/tiny-png.js";
import { samePicture } from "../../support/same-picture.js";
import { parseConsoleOutput } from "./console-harness.js";

const HINT = "Im Terminal senden Sie ein Foto, indem Sie den Pfad einer JPEG- oder PNG-Datei eintippen";
const ASK_PHOTO = "Möchten Sie ein Foto anhängen";

const root = mkdtempSync(join(tmpdir(), "mitreden-console-photo-flows-"));
const cwd = join(root, "work");
const home = join(root, "home");
mkdirSync(join(home, "Meine Bilder"), { recursive: true });
mkdirSync(cwd, { recursive: true });

const png = tinyPng(6, [30, 90, 200]);
const jpeg = tinyJpeg(24, 16, "console");
const quotedJpeg = join(home, "Meine Bilder", "Bank am Teich.jpeg");
writeFileSync(join(cwd, "bank.png"), png);
writeFileSync(quotedJpeg, jpeg);
writeFileSync(join(cwd, "notiz.txt"), "Die Bank ist kaputt.");
writeFileSync(join(cwd, "brief.png"), "kein Bild, nur Text mit falschem Namen");
writeFileSync(join(cwd, "riesig.jpg"), jpeg);
// A photo whose transfer broke off: the header is whole, half the image data is missing.
const broken = tinyJpeg(640, 480, "abgebrochen");
writeFileSync(join(cwd, "abgebrochen.jpg"), broken.subarray(0, broken.length - 40));
truncateSync(join(cwd, "riesig.jpg"), PHOTO_MAX_BYTES + 1);

let h: CoreHarness;
let channel: ConsoleChannel;
const input = new PassThrough();
const output = new PassThrough();
let buffer = "";
output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));

/** Types one line into the terminal; resolves with the messages printed in answer. */
async function type(line: string): Promise<ContractReply[]> {
  buffer = "";
  input.write(`${line}\n`);
  await new Promise((resolve) => setImmediate(resolve));
  await channel.idle();
  return parseConsoleOutput(buffer);
}

/** Types the number of the choice with this label in the last message. */
async function pick(replies: readonly ContractReply[], label: string): Promise<ContractReply[]> {
  const index = replies.at(-1)!.choices.indexOf(label);
  if (index < 0) throw new Error(`no choice ${label} in ${JSON.stringify(replies.at(-1))}`);
  return type(String(index + 1));
}

const all = (replies: readonly ContractReply[]) => replies.map((r) => r.text).join("\n");

/** Walks the idea submission up to the photo step; resolves with the photo prompt. */
async function ideaUpToPhoto(title: string): Promise<ContractReply[]> {
  const askTitle = await type("/idea");
  expect(all(askTitle)).not.toContain(HINT);
  await type(title);
  const area = await type("Eine ausführliche Beschreibung, worum es bei dieser Idee im Ort genau geht.");
  const categories = await pick(area, "Hammah");
  expect(all(categories)).not.toContain(HINT);
  return type("1");
}

beforeAll(async () => {
  h = await createCoreHarness({
    features: ({ access, stores, translator, clock }) =>
      assembleFeatures({ access, stores, translator, clock, logger: silentLogger, organiser: "Samtgemeinde" }).features,
  });
  channel = createConsoleChannel({
    core: h.core,
    translator: h.translator,
    logger: silentLogger,
    input,
    output,
    userId: "console:anna",
    localeHint: "de_DE.UTF-8",
    paths: { cwd, home },
  });
  await channel.start(); // greets with the choice of language
  const areas = await type("1");
  expect(all(await pick(areas, "Hammah"))).toContain("Datenschutz");
  expect(all(await type("1"))).toContain("Hauptmenü");
}, 120_000);

afterAll(async () => {
  await channel?.stop();
  await h?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function storedIdea(title: string) {
  return h.db.prisma.idea.findFirstOrThrow({ where: { title }, include: { photo: true } });
}

describe("photos in the terminal chat", () => {
  it("tells the resident how to attach a photo where one is asked for, and only there", async () => {
    const prompt = await ideaUpToPhoto("Blühstreifen am Feldweg");
    expect(all(prompt)).toContain(ASK_PHOTO);
    expect(all(prompt)).toContain(HINT);
    expect(prompt.at(-1)!.choices).toEqual(["Ohne Foto", "Abbrechen"]);
  });

  it("sends a typed relative path as a photo that is stored with the idea", async () => {
    const preview = await type("bank.png");
    expect(all(preview)).toContain("[Bild: Foto zur Idee „Blühstreifen am Feldweg“]");
    const sent = await pick(preview, "Meine Idee senden");
    expect(all(sent)).toMatch(/#\d+/);
    const idea = await storedIdea("Blühstreifen am Feldweg");
    expect(await samePicture(idea.photo!.bytes, png, 0)).toBe(true);
    expect(idea.photo!.mimeType).toBe("image/png");
  });

  it("takes a dropped file's quoted path with spaces", async () => {
    await ideaUpToPhoto("Sitzbank am Dorfteich");
    const preview = await type(`'${quotedJpeg}'`);
    expect(all(preview)).toContain("[Bild: Foto zur Idee „Sitzbank am Dorfteich“]");
    await pick(preview, "Meine Idee senden");
    const idea = await storedIdea("Sitzbank am Dorfteich");
    expect(await samePicture(idea.photo!.bytes, jpeg)).toBe(true);
    expect(idea.photo!.mimeType).toBe("image/jpeg");
  });

  it("keeps a .txt path and a missing file as text, so the photo is asked for again", async () => {
    await ideaUpToPhoto("Trinkbrunnen am Marktplatz");
    const photosBefore = await h.db.prisma.photo.count();
    for (const line of ["notiz.txt", "fehlt.png", `"${join(cwd, "nirgends.jpg")}"`]) {
      const again = await type(line);
      expect(all(again), line).toContain(ASK_PHOTO);
      expect(all(again), line).not.toContain("nicht als Foto verwenden");
    }
    expect(await h.db.prisma.photo.count()).toBe(photosBefore);
  });

  it("answers a file that is too large, damaged, or no picture, as on Telegram, and still offers to go on without", async () => {
    const tooLarge = await type("riesig.jpg");
    expect(all(tooLarge)).toContain("Dieses Foto ist zu groß (höchstens 5 MB und 16 Megapixel)");
    expect(all(tooLarge)).toContain(HINT);
    expect(tooLarge.at(-1)!.choices).toEqual(["Ohne Foto", "Abbrechen"]);
    const damaged = await type("abgebrochen.jpg");
    expect(all(damaged)).toContain("Dieses Foto kann ich nicht öffnen: Es ist unvollständig oder beschädigt angekommen.");
    expect(damaged.at(-1)!.choices).toEqual(["Ohne Foto", "Abbrechen"]);
    const notAPicture = await type("brief.png");
    expect(all(notAPicture)).toContain("Diese Datei kann ich nicht als Foto verwenden");

    const preview = await pick(notAPicture, "Ohne Foto");
    await pick(preview, "Meine Idee senden");
    expect((await storedIdea("Trinkbrunnen am Marktplatz")).photoId).toBeNull();
  });

  it("answers a photo outside any step that asks for one without keeping it", async () => {
    const photosBefore = await h.db.prisma.photo.count();
    const replies = await type("bank.png");
    expect(all(replies)).toContain("Ein Foto kann ich hier nicht verwenden");
    expect(await h.db.prisma.photo.count()).toBe(photosBefore);
  });

  it("attaches a photo to an initiative's news item", async () => {
    const hammah = await h.db.prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
    const initiative = await h.db.prisma.initiative.create({ data: { slug: "ffw-hammah", name: "Feuerwehr Hammah", areaId: hammah.id } });
    await h.db.prisma.roleAssignment.create({
      data: { identity: "console:anna", role: "initiative_manager", scope: `initiative:${initiative.id}`, grantedBy: "test" },
    });
    expect(all(await type("/news"))).toContain("Feuerwehr Hammah");
    await type("Übung am Samstag mit Grillen danach");
    await type("-");
    const prompt = await type("-");
    expect(all(prompt)).toContain("Foto dazu zeigen");
    expect(all(prompt)).toContain(HINT);
    const preview = await type(`file://${join(cwd, "bank.png")}`);
    expect(all(preview)).toContain("Vorschau");
    expect(await h.db.prisma.newsItem.count({ where: { initiativeId: initiative.id } })).toBe(0);
    expect(all(await type("1"))).toContain("geprüft"); // 1. Senden
    const item = await h.db.prisma.newsItem.findFirstOrThrow({ where: { initiativeId: initiative.id }, include: { photo: true } });
    expect(await samePicture(item.photo!.bytes, png, 0)).toBe(true);
  });
});
