import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAuditLog } from "../../../../src/admin/audit-commands.js";
import { mergeResidents } from "../../../../src/storage/resident-merge.js";
import type { Person } from "../../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const anna: Person = { channel: "telegram", userId: "5001" }; // author, German
const bert: Person = { channel: "telegram", userId: "5002" }; // supporter, English
const carla: Person = { channel: "matrix", userId: "@carla:example.org" }; // follower, German
const modA: Person = { channel: "telegram", userId: "5101" };
const modB: Person = { channel: "matrix", userId: "@modb:example.org" };
const modGroupA: Person = { ...modA, chatId: "-2001", chatKind: "group" };
const jens: Person = { channel: "telegram", userId: "5201" }; // council
const maria: Person = { channel: "telegram", userId: "5202" }; // council
const admin: Person = { channel: "telegram", userId: "5301" };
let ids: Record<"anna" | "bert" | "carla", number>;

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 10 });
  await f.h.onboard(anna);
  await f.h.onboard(bert, { locale: "en" });
  await f.h.onboard(carla);
  for (const p of [modA, modB, jens, maria, admin]) await f.h.onboard(p);
  await f.grant(modA, "moderator", "area:hammah");
  await f.grant(modB, "moderator", "area:oldendorf-himmelpforten");
  await f.grant(jens, "council");
  await f.grant(maria, "council");
  await f.grant(admin, "admin");
  await f.h.send({ ...admin, chatId: "-2001", chatKind: "group" }, "/modchat");
  ids = { anna: await f.residentId(anna), bert: await f.residentId(bert), carla: await f.residentId(carla) };
}, 120_000);
afterAll(async () => f.dispose());

describe("from a resident's idea to a published result", () => {
  let ideaId = 0;

  it("walks submit → approve → support → prioritise → workshop → decide → result → implemented", async () => {
    ideaId = await f.submit(anna, "Sitzbänke am Wanderweg", "Entlang des Wanderwegs an der Oste fehlen Bänke zum Ausruhen.");
    const card = f.publisher.toChat("-2001").at(-1)!;
    expect(card).toContain(`Neue Idee #${ideaId}`);

    // Approve by button in the moderation group.
    const approved = await f.h.press(modGroupA, `mod:ok:${ideaId}`);
    expect(approved[0]!.text).toContain("freigegeben");
    expect(f.publisher.toResident(ids.anna, "de").at(-1)).toContain("wurde freigegeben");

    await f.h.press(bert, `ideas:sup:${ideaId}`);
    await f.h.press(carla, `ideas:fol:${ideaId}`);

    f.publisher.clear();
    expect((await f.h.send(jens, "/council"))[0]!.text).toContain(`#${ideaId} Sitzbänke am Wanderweg – 1 Unterstützer`);
    expect((await f.h.send(jens, `/prioritise ${ideaId} 1`))[0]!.text).toContain("priorisiert");
    expect((await f.h.send(jens, `/workshop ${ideaId}`))[0]!.text).toContain("Werkstatt");
    expect((await f.h.send(jens, `/implemented ${ideaId} zu früh`))[0]!.text).toContain("setzt voraus");
    await f.h.send(maria, `/decide ${ideaId} accept Der Bauhof stellt im Frühjahr drei Bänke auf.`);

    // Author, supporter (who follows by supporting) and follower were told, each once per change.
    const expected = ["prioritised", "workshop", "decided_accepted"].map((s) => `idea:${ideaId}:${s}`);
    expect(f.publisher.requests.map((r) => r.origin)).toEqual(expected);
    for (const request of f.publisher.requests) {
      expect(request.audience).toEqual({ kind: "residents", residentIds: [ids.anna, ids.bert, ids.carla] });
    }
    expect(f.publisher.toResident(ids.bert, "en")).toEqual([
      expect.stringContaining("was prioritised by the citizens' council"),
      expect.stringContaining("is now being discussed in a workshop"),
      expect.stringContaining("The citizens' council accepted idea"),
    ]);
    expect(f.publisher.toResident(ids.anna, "de").at(-1)).toContain("„Der Bauhof stellt im Frühjahr drei Bänke auf.“");

    // A council member drafts the result post; a second member publishes it.
    f.publisher.clear();
    await f.h.send(jens, "/result");
    await f.h.send(jens, "Bänke am Wanderweg kommen");
    await f.h.send(jens, "Der Bürgerrat empfiehlt drei Bänke; die Gemeinde setzt das im Frühjahr um.");
    const drafted = await f.h.send(jens, `Idee ${ideaId}`);
    expect(drafted[0]!.text).toContain("Entwurf #1");
    expect((await f.h.send(jens, "/publishresult 1"))[0]!.text).toContain("zweites Mitglied");
    expect(f.publisher.requests).toHaveLength(0);
    expect((await f.h.send(maria, "/publishresult 1"))[0]!.text).toContain("veröffentlicht");
    expect((await f.h.send(jens, "/publishresult 1"))[0]!.text).toContain("bereits veröffentlicht");
    const [feed, followers] = f.publisher.requests;
    expect(feed!.audience).toEqual({ kind: "feed", feed: "results", areaId: null });
    expect(feed!.content("de").html).toContain("Bänke am Wanderweg kommen");
    expect(followers!.audience).toEqual({ kind: "residents", residentIds: [ids.anna, ids.bert, ids.carla] });
    expect(f.publisher.toResident(ids.carla, "de")[0]).toContain("Ergebnis zu einer Idee veröffentlicht, der Sie folgen");

    await f.h.send(jens, `/progress ${ideaId} Die Bänke sind bestellt.`);
    await f.h.send(jens, `/implemented ${ideaId} Drei Bänke stehen seit Mai.`);
    expect(f.publisher.toResident(ids.bert, "en").at(-1)).toContain("has been implemented. Drei Bänke stehen seit Mai.");
  });

  it("shows the result under Results and the idea's path with the council's statements", async () => {
    const results = await f.h.press(bert, "results:open");
    expect(results[0]!.choices[0]!.label).toMatch(/^Bänke am Wanderweg kommen \([A-Z][a-z]{2} \d{1,2}, \d{4}\)$/); // the local day, in the reader's format
    const post = await f.h.press(bert, results[0]!.choices[0]!.action);
    expect(post[0]!.text).toContain("Der Bürgerrat empfiehlt");
    const open = post[0]!.choices.find((c) => c.action === `ideas:show:${ideaId}`)!;
    const detail = await f.h.press(bert, open.action);
    const text = detail[0]!.text;
    for (const step of ["waiting for moderation", "published", "prioritised", "in a workshop", "decided: accepted – “Der Bauhof", "progress – “Die Bänke sind bestellt.”", "implemented – “Drei Bänke"]) {
      expect(text).toContain(step);
    }
    expect(text).toContain("Results of the citizens' council");
  });

  it("delivers the rejection reason to the author, and only to the author", async () => {
    const id = await f.submit(anna, "Parkplatz vor dem Rathaus", "Mehr Parkplätze direkt vor dem Rathaus in Hammah bitte.");
    f.publisher.clear();
    expect((await f.h.send(modA, `/reject ${id}`))[0]!.text).toContain("Verwendung: /reject");
    expect((await f.h.press(modA, `mod:no:${id}`))[0]!.text).toContain(`/reject ${id}`);
    await f.h.send(modA, `/reject ${id} Bitte beschreiben Sie, wo genau Platz wäre.`);
    expect(f.publisher.requests).toHaveLength(1);
    expect(f.publisher.requests[0]!.audience).toEqual({ kind: "residents", residentIds: [ids.anna] });
    expect(f.publisher.toResident(ids.anna, "de")[0]).toContain("Begründung der Moderation: „Bitte beschreiben Sie, wo genau Platz wäre.“");
    expect(f.publisher.toResident(ids.anna, "en")[0]).toContain("The moderators' reason: “Bitte beschreiben Sie");
  });
});

describe("concurrent moderation", () => {
  it("lets exactly one of two simultaneous decisions win and tells the other moderator", async () => {
    // Rounds vary who asks first and whether the rival rejects, so either side can be the winner.
    for (let round = 0; round < 4; round += 1) {
      const id = await f.submit(carla, `Gleichzeitig ${round} Test`, "Zwei Moderatoren entscheiden gleichzeitig über diese Idee.");
      const pressA = () => f.h.press(modGroupA, `mod:ok:${id}`);
      const sendB = () => (round % 2 === 1 ? f.h.send(modB, `/reject ${id} Doppelt`) : f.h.send(modB, `/approve ${id}`));
      const [a, b] = round < 2 ? await Promise.all([pressA(), sendB()]) : (await Promise.all([sendB(), pressA()])).reverse();
      const texts = [a![0]!.text, b![0]!.text];
      // The loser's answer names the status too ("Sie ist abgelehnt"), so match the winners' own texts.
      const won = texts.filter((t) => /ist freigegeben und veröffentlicht|ist abgelehnt\. Die Begründung/.test(t));
      const lost = texts.filter((t) => t.includes("wurde bereits bearbeitet"));
      expect({ won: won.length, lost: lost.length }).toEqual({ won: 1, lost: 1 });
      const winner = won[0] === texts[0] ? "telegram:5101" : "matrix:@modb:example.org";
      expect(lost[0]).toContain(`von ${winner}`);
      const idea = await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id } });
      expect(idea.status).toBe(won[0]!.includes("abgelehnt") ? "rejected" : "approved");
      expect(await f.h.db.prisma.ideaStatusChange.count({ where: { ideaId: id } })).toBe(2);
      expect(await f.h.db.prisma.auditLog.count({ where: { targetType: "idea", targetId: String(id) } })).toBe(1);
    }
  });
});

describe("audit log", () => {
  it("is readable by admins with /audit and exports as CSV and JSON", async () => {
    const audit = await f.h.send(admin, "/audit 3");
    expect(audit[0]!.text).toContain("Protokoll");
    expect(audit[0]!.text.split("\n")).toHaveLength(4);
    // Plain words and the municipality's time in the reader's format, never internal keys or UTC.
    const all = (await f.h.send(admin, "/audit 200"))[0]!.text;
    const accepted = await f.h.db.prisma.auditLog.findFirstOrThrow({ where: { action: "idea.decided_accepted" } });
    const at = new Intl.DateTimeFormat("de", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin" }).format(accepted.createdAt);
    expect(all).toContain(`${at} `);
    expect(all).toContain(`Idee ${accepted.targetId} angenommen`);
    expect(all).not.toMatch(/idea\.\w|result\.publish|\d{4}-\d\d-\d\d \d\d:\d\d/);
    // An action without a sentence (e.g. from a newer version) still names its target in words.
    await f.stores.audit.record({ identity: "cli:office", name: "Büro" }, "survey.frobnicate", "survey", 9, null);
    expect((await f.h.send(admin, "/audit 1"))[0]!.text).toContain("Büro: survey.frobnicate (Umfrage 9)");
    const csv = await exportAuditLog(f.stores.audit, "csv");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("\uFEFFid;createdAt;actorIdentity;actorName;action;targetType;targetId;reason");
    expect(lines.some((l) => l.includes("idea.reject") && l.includes("Bitte beschreiben Sie"))).toBe(true);
    expect(lines.some((l) => l.includes("result.publish"))).toBe(true);
    const json = JSON.parse(await exportAuditLog(f.stores.audit, "json")) as { action: string }[];
    expect(json).toHaveLength(lines.length - 1);
    expect(json.map((e) => e.action)).toContain("idea.decided_accepted");
  });
});

describe("linking two residents", () => {
  it("merges supports and follows without a unique violation", async () => {
    const idea = await f.h.db.prisma.idea.findFirstOrThrow({ where: { status: "implemented" } });
    const other = await f.h.db.prisma.resident.create({ data: {} });
    await f.h.db.prisma.support.create({ data: { ideaId: idea.id, residentId: other.id } });
    await f.h.db.prisma.follow.create({ data: { ideaId: idea.id, residentId: other.id } });
    await f.h.access.run(() => mergeResidents(f.h.access.client(), other.id, ids.bert));
    expect(await f.h.db.prisma.support.count({ where: { ideaId: idea.id, residentId: ids.bert } })).toBe(1);
    expect(await f.h.db.prisma.follow.count({ where: { ideaId: idea.id, residentId: ids.bert } })).toBe(1);
    expect(await f.h.db.prisma.resident.count({ where: { id: other.id } })).toBe(0);
  });
});
