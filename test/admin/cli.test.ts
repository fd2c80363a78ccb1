import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { createPrismaAccess } from "../../src/storage/prisma-access.js";
import { createQuarantineStore } from "../../src/storage/stores/quarantine-store.js";
import { admin } from "../support/admin-cli.js";
import pino from "pino";

const dataDir = mkdtempSync(join(tmpdir(), "mitreden-admin-"));
const saved = { ...process.env };


beforeAll(() => {
  // The admin CLI works on whatever database is configured; here the embedded one in a temp folder.
  Object.assign(process.env, { MITREDEN_DATA_DIR: dataDir, DATABASE_URL: "", MITREDEN_LOCALE: "en", LOG_LEVEL: "silent" });
});
afterAll(() => {
  process.env = saved;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run admin", () => {
  it("prints its usage without arguments and fails on an unknown command", async () => {
    expect((await admin()).out).toContain("area add SLUG NAME");
    expect((await admin("area", "paint")).code).toBe(2);
  });

  it("manages the area tree", async () => {
    expect((await admin("area", "seed")).out).toContain("example municipality was added");
    expect((await admin("area", "add", "hammah-nord", "Hammah", "Nord", "--parent", "hammah", "--population", "300")).code).toBe(0);
    const list = (await admin("area", "list")).out;
    expect(list).toContain("oldendorf-himmelpforten  Samtgemeinde Oldendorf-Himmelpforten");
    expect(list).toMatch(/\n {4}hammah-nord {2}Hammah Nord {2}\(300\)/);
    const cycle = await admin("area", "move", "hammah", "--parent", "hammah-nord");
    expect(cycle).toMatchObject({ code: 1 });
    expect(cycle.err).toContain("cycle");
    expect((await admin("area", "remove", "hammah")).err).toContain("still has sub-areas");
    expect((await admin("area", "remove", "hammah-nord")).code).toBe(0);
    expect((await admin("area", "add", "Bad Slug", "x")).err).toContain("not a valid slug");
  });

  it("grants, lists and revokes roles of platform identities", async () => {
    expect((await admin("role", "grant", "@anna:example.org", "moderator", "--area", "hammah")).out).toContain("now has the role moderator");
    expect((await admin("role", "grant", "@anna:example.org", "moderator", "--area", "hammah")).out).toContain("already had");
    expect((await admin("role", "grant", "telegram:12345", "admin")).code).toBe(0);
    const list = (await admin("role", "list")).out;
    expect(list).toContain("matrix:@anna:example.org  moderator  area:hammah");
    expect(list).toContain("telegram:12345  admin  *");
    expect((await admin("role", "grant", "anna", "admin")).err).toContain("not a valid identity");
    expect((await admin("role", "grant", "telegram:1", "king")).err).toContain("is not a role");
    expect((await admin("role", "revoke", "@anna:example.org", "moderator")).out).toContain("1 entry)");
  });

  it("imports the example survey and exports its (empty) responses", async () => {
    const imported = await admin("survey", "import", "examples/surveys/dorfentwicklung-hammah.yaml");
    expect(imported.out).toMatch(/Survey \d+ with \d+ questions imported as a draft/);
    const again = await admin("survey", "import", "examples/surveys/dorfentwicklung-hammah.yaml");
    const id = /Survey (\d+)/.exec(imported.out)![1]!;
    expect(again).toMatchObject({
      code: 1,
      err:
        "The file was not imported because it has errors:\n" +
        `examples/surveys/dorfentwicklung-hammah.yaml:6:6: key: A survey with the key “dorfentwicklung-hammah-2027” was already imported (survey ${id}).\n`,
    });
    const out = join(dataDir, "export.json");
    expect((await admin("survey", "export", id, "--format", "json", "--out", out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toBeTypeOf("object");

    // The results as files: what it wrote is printed, one path a line, and is there.
    const dir = join(dataDir, "results");
    const results = await admin("survey", "results", id, "--out", dir);
    expect(results.code).toBe(0);
    const lines = results.out.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Wrote \\d+ files for survey ${id} into ${dir}:$`));
    const paths = lines.slice(1).map((l) => l.trim());
    expect(paths).toContain(join(dir, `survey-${id}-q1.png`));
    expect(paths).toContain(join(dir, `survey-${id}-q1.svg`));
    expect(paths).toContain(join(dir, `survey-${id}-q1.csv`));
    expect(paths.at(-1)).toBe(join(dir, `survey-${id}-results.md`));
    for (const path of paths) expect(readFileSync(path).length).toBeGreaterThan(0);
    expect((await admin("survey", "results", id)).out).toContain("Usage: survey results ID --out DIR");
  });

  it("explains a broken survey file in the admin's language", async () => {
    const file = join(dataDir, "kaputt.yaml");
    writeFileSync(file, "key: kaputt\ntitle: { de: Kaputt, fr: Cassé }\nintro: { de: Kurz }\ncloses: morgen\nquestions:\n  - type: slider\n    text: { de: S }\n");
    const english = await admin("survey", "import", file);
    expect(english).toMatchObject({
      code: 1,
      err: [
        "The file was not imported because it has errors:",
        `${file}:2:22: title: Unknown key “fr”. Is it misspelt or in the wrong place?`,
        `${file}:4:9: closes: Expected a date and time with time zone offset such as 2026-12-01T08:00:00+01:00, here “morgen”.`,
        `${file}:6:11: questions[0].type: “slider” is not possible here. Possible: single, multiple, scale, yesno, text`,
        "",
      ].join("\n"),
    });
    process.env["MITREDEN_LOCALE"] = "de";
    try {
      const german = await admin("survey", "import", file);
      expect(german.err.split("\n")).toEqual([
        "Die Datei wurde nicht importiert, weil sie Fehler enthält:",
        `${file}:2:22: title: Unbekannter Schlüssel „fr“. Ist er falsch geschrieben oder steht er an der falschen Stelle?`,
        `${file}:4:9: closes: Erwartet wird ein Zeitpunkt mit Zeitzone wie 2026-12-01T08:00:00+01:00, hier „morgen“.`,
        `${file}:6:11: questions[0].type: „slider“ ist hier nicht möglich. Möglich sind: single, multiple, scale, yesno, text`,
        "",
      ]);
      expect((await admin("survey", "export", "999999")).err).toBe("Eine Umfrage 999999 gibt es nicht.\n");
    } finally {
      process.env["MITREDEN_LOCALE"] = "en";
    }
  });

  it("exports the audit log", async () => {
    const result = await admin("audit", "export", "--format", "csv");
    expect(result.code).toBe(0);
    expect(result.out.split("\n")[0]).toMatch(/^\uFEFFid;createdAt;/);
    expect((await admin("audit", "export", "--format", "csv", "--delimiter", ",")).out.split("\n")[0]).toMatch(/^\uFEFFid,createdAt,/);
    expect((await admin("audit", "export", "--delimiter", "|")).out).toContain("Usage: audit export");
    expect((await admin("audit", "export", "--format", "xml")).out).toContain("Usage: audit export");
  });

  it("records its acts and verifies the audit log's chain, naming a changed entry", async () => {
    // The role grants above were recorded, with the OS user and in the chain.
    const whole = await admin("audit", "verify");
    expect(whole.code).toBe(0);
    expect(whole.out).toMatch(/^The audit log is whole and unchanged: \d+ entries\. Newest entry no\. \d+, hash [0-9a-f]{64}/);
    const head = /hash ([0-9a-f]{64})/.exec(whole.out)![1]!;
    const db = await openDatabase({ dataDir, logger: pino({ level: "silent" }) });
    let edited: { id: number; createdAt: Date };
    try {
      const actions = (await db.prisma.auditLog.findMany({ orderBy: { seq: "asc" } })).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(["role.grant", "role.revoke", "survey.import"]));
      edited = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "role.grant" } });
      await db.prisma.auditLog.update({ where: { id: edited.id }, data: { reason: "admin *" } });
    } finally {
      await db.close();
    }
    const broken = await admin("audit", "verify", "--head", head);
    expect(broken.code).toBe(1);
    const time = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin" }).format(edited.createdAt);
    expect(broken.err).toBe(`The audit log was changed: entry ${edited.id} of ${time} was edited afterwards.\n`);
  });

  it("cleans its arguments before they reach the database", async () => {
    expect((await admin("area", "add", "nul-dorf", "Nul\u0000do\u0007rf", "Su\u0308d")).code).toBe(0);
    expect((await admin("area", "list")).out).toContain("nul-dorf  Nuldorf S\u00fcd");
    expect((await admin("area", "remove", "nul-dorf")).code).toBe(0);
  });

  it("lists, shows and drops quarantined events", async () => {
    expect((await admin("quarantine", "list")).out).toBe("No inbound events are set aside.\n");
    // Written the way the channels write them, while the CLI is not running (one process at a time).
    const db = await openDatabase({ dataDir, logger: pino({ level: "silent" }) });
    let ids: number[];
    try {
      const store = createQuarantineStore(createPrismaAccess(db.prisma));
      const older = await store.add({ channel: "telegram", instance: "7000000001", eventId: "815", reason: "storing failed: unsupported Unicode escape sequence", payload: { update_id: 815, message: { text: "a\u0000b" } } });
      const newer = await store.add({ channel: "matrix", instance: "@bot:example.org", eventId: "$ev1", reason: "handling failed:\nboom", payload: { type: "m.room.message" } });
      ids = [older, newer];
    } finally {
      await db.close();
    }
    const [older, newer] = ids as [number, number];
    const list = (await admin("quarantine", "list")).out.split("\n");
    expect(list[0]).toBe("ID  channel  event  set aside at  reason");
    expect(list[1]).toMatch(new RegExp(`^${newer}  matrix  \\$ev1  \\w{3} \\d{1,2}, \\d{4}, \\d{1,2}:\\d\\d\\s[AP]M  handling failed: boom$`));
    expect(list[2]).toMatch(new RegExp(`^${older}  telegram  815  .*  storing failed: unsupported Unicode escape sequence$`));
    expect((await admin("quarantine", "list", "--limit", "1")).out.split("\n").filter(Boolean)).toHaveLength(2);

    const shown = await admin("quarantine", "show", String(older));
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`Event ${older}: telegram (7000000001), event 815, set aside at `);
    expect(shown.out).toContain("Reason: storing failed: unsupported Unicode escape sequence");
    expect(shown.out).toContain('"text": "ab"');

    expect((await admin("quarantine", "drop", String(older))).out).toBe(`Set-aside event ${older} removed.\n`);
    expect(await admin("quarantine", "drop", String(older))).toMatchObject({ code: 1, err: `There is no set-aside event ${older}.\n` });
    expect((await admin("quarantine", "show", "abc")).err).toBe("There is no set-aside event abc.\n");
    expect((await admin("quarantine", "show")).out).toContain("Usage: quarantine show ID");
    expect((await admin("quarantine", "list")).out).not.toContain("telegram");
  });
});

describe("npm run admin on a fresh embedded folder", () => {
  const freshDir = mkdtempSync(join(tmpdir(), "mitreden-admin-fresh-"));
  const offDir = mkdtempSync(join(tmpdir(), "mitreden-admin-off-"));
  afterAll(() => {
    rmSync(freshDir, { recursive: true, force: true });
    rmSync(offDir, { recursive: true, force: true });
  });
  const inFolder = async <T>(dir: string, seed: string | undefined, run: () => Promise<T>): Promise<T> => {
    const before = { dir: process.env["MITREDEN_DATA_DIR"], seed: process.env["SEED_EXAMPLE"] };
    process.env["MITREDEN_DATA_DIR"] = dir;
    if (seed === undefined) delete process.env["SEED_EXAMPLE"];
    else process.env["SEED_EXAMPLE"] = seed;
    try {
      return await run();
    } finally {
      process.env["MITREDEN_DATA_DIR"] = before.dir;
      if (before.seed === undefined) delete process.env["SEED_EXAMPLE"];
      else process.env["SEED_EXAMPLE"] = before.seed;
    }
  };

  it("imports the README's example survey first thing, seeding the example villages as npm start does", async () => {
    const imported = await inFolder(freshDir, undefined, () => admin("survey", "import", "examples/surveys/dorfentwicklung-hammah.yaml"));
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/Survey \d+ with \d+ questions imported as a draft/);
    expect(imported.err).toContain("the example municipality was added, as npm start also does");
    // Seeded once: the next command finds the villages and says nothing about seeding.
    const list = await inFolder(freshDir, undefined, () => admin("role", "grant", "console:anna", "moderator", "--area", "hammah"));
    expect(list).toMatchObject({ code: 0, err: "" });
  });

  it("leaves the database empty with SEED_EXAMPLE=off, and area commands never seed", async () => {
    const refused = await inFolder(offDir, "off", () => admin("survey", "import", "examples/surveys/dorfentwicklung-hammah.yaml"));
    expect(refused.code).toBe(1);
    expect(refused.err).not.toContain("example municipality was added");
    const own = await inFolder(offDir, undefined, () => admin("area", "add", "musterdorf", "Musterdorf"));
    expect(own.code).toBe(0);
    expect((await inFolder(offDir, undefined, () => admin("area", "list"))).out).toBe("musterdorf  Musterdorf  · 0\n");
  });
});
