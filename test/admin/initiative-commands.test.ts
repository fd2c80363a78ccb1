import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin-cli.js";
import { openDatabase } from "../../src/storage/database.js";
import pino from "pino";
import { tinyPng } from "../support/tiny-png.js";

const dataDir = mkdtempSync(join(tmpdir(), "mitreden-admin-initiatives-"));
const saved = { ...process.env };


/** Reads the embedded database directly, between admin commands (each one opens and closes it). */
async function inDatabase<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir, logger: pino({ level: "silent" }) });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  Object.assign(process.env, { MITREDEN_DATA_DIR: dataDir, DATABASE_URL: "", MITREDEN_LOCALE: "en", LOG_LEVEL: "silent" });
  await admin("area", "seed");
});
afterAll(() => {
  process.env = saved;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run admin -- initiative", () => {
  it("adds, lists and updates initiatives", async () => {
    const added = await admin("initiative", "add", "ffw-hammah", "Feuerwehr", "Hammah", "--area", "hammah", "--contact", "wehr@example.org", "--link", "https://ffw-hammah.example.org", "--trusted");
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain("Initiative “ffw-hammah” added.");
    expect((await admin("initiative", "add", "ffw-hammah", "Noch", "eine", "--area", "hammah")).err).toContain("already exists");
    expect((await admin("initiative", "add", "FFW", "X", "--area", "hammah")).err).toContain("not a valid slug");
    expect((await admin("initiative", "add", "chor", "Chor", "--area", "atlantis")).err).toContain("There is no area “atlantis”");
    expect((await admin("initiative", "add", "chor", "Chor", "--area", "burweg", "--link", "javascript:alert(1)")).err).toContain("not a valid link");
    expect((await admin("initiative", "add", "chor", "Chor")).out).toContain("Usage: initiative add");
    expect((await admin("initiative", "add", "chor", "Chor", "Burweg", "--area", "burweg")).code).toBe(0);

    expect((await admin("initiative", "update", "chor", "--description", "Wir singen dienstags", "--trusted")).out).toContain("updated");
    expect((await admin("initiative", "update", "ffw-hammah", "--untrusted", "--contact", "")).code).toBe(0);
    expect((await admin("initiative", "update", "chor")).err).toContain("Nothing to change");
    expect((await admin("initiative", "update", "nope", "--trusted")).err).toContain("There is no initiative “nope”");
    expect((await admin("initiative", "update", "chor", "--trusted", "--untrusted")).err).toContain("only one of");

    const list = (await admin("initiative", "list")).out;
    expect(list).toContain("chor  Chor Burweg  (burweg, trusted)");
    expect(list).toContain("ffw-hammah  Feuerwehr Hammah  (hammah)");
    const rows = await inDatabase((db) => db.prisma.initiative.findMany({ orderBy: { slug: "asc" } }));
    expect(rows.map((r) => [r.slug, r.description, r.contact, r.link, r.trusted])).toEqual([
      ["chor", "Wir singen dienstags", null, null, true],
      ["ffw-hammah", "", null, "https://ffw-hammah.example.org", false],
    ]);
  });

  it("assigns managers per initiative through a scoped role", async () => {
    expect((await admin("initiative", "manager", "ffw-hammah", "telegram:4711")).out).toContain("telegram:4711 now manages the initiative “ffw-hammah”");
    expect((await admin("initiative", "manager", "ffw-hammah", "telegram:4711")).out).toContain("already managed");
    expect((await admin("initiative", "manager", "ffw-hammah", "@anna:example.org")).code).toBe(0);
    expect((await admin("initiative", "manager", "ffw-hammah", "anna")).err).toContain("not a valid identity");
    expect((await admin("initiative", "manager", "nope", "telegram:1")).err).toContain("no initiative");
    const id = await inDatabase(async (db) => (await db.prisma.initiative.findUniqueOrThrow({ where: { slug: "ffw-hammah" } })).id);
    expect((await admin("role", "list", "telegram:4711")).out).toContain(`telegram:4711  initiative_manager  initiative:${id}`);
    expect((await admin("initiative", "list")).out).toContain("(hammah)  · matrix:@anna:example.org, telegram:4711");
  });

  it("stores a PNG logo and refuses other files", async () => {
    const png = tinyPng(8);
    const file = join(dataDir, "logo.png");
    writeFileSync(file, png);
    writeFileSync(join(dataDir, "logo.txt"), "not an image at all");
    expect((await admin("initiative", "logo", "ffw-hammah", file)).out).toContain("Logo of the initiative “ffw-hammah” stored (1 KB)");
    expect((await admin("initiative", "logo", "ffw-hammah", join(dataDir, "logo.txt"))).err).toContain("is not a PNG file");
    expect((await admin("initiative", "logo", "ffw-hammah", join(dataDir, "missing.png"))).err).toContain("There is no file");
    expect((await admin("initiative", "logo", "nope", file)).err).toContain("no initiative");
    const stored = await inDatabase(async (db) => (await db.prisma.initiative.findUniqueOrThrow({ where: { slug: "ffw-hammah" } })).logo);
    expect(Buffer.from(stored!)).toEqual(Buffer.from(png));
    expect((await admin("initiative", "list")).out).toContain("ffw-hammah  Feuerwehr Hammah  (hammah, logo)");
  });
});
