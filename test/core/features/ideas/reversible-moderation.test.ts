/**
 * /unblock, /unhide and /reports: each acts once, is recorded in the audit log, and refuses in
 * words when its target is not in that state or outside the moderator's areas.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BUTTONS, type Person } from "../../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const anna: Person = { channel: "telegram", userId: "6001" };
const bert: Person = { channel: "telegram", userId: "6002" };
const carl: Person = { channel: "telegram", userId: "6003" }; // lives in Burweg
const modHammah: Person = { channel: "telegram", userId: "6101" };
const modBurweg: Person = { channel: "telegram", userId: "6102" };
const resident: Person = { channel: "telegram", userId: "6201" };
const texts = (replies: readonly { text: string }[]) => replies.map((r) => r.text);
const statusOf = async (id: number) => (await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id } })).status;
const auditActions = async () => (await f.h.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } })).map((e) => `${e.action} ${e.targetType}:${e.targetId}`);
let ids: Record<"anna" | "bert" | "carl", number>;

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 20 });
  await f.h.onboard(anna);
  await f.h.onboard(bert, { locale: "en" });
  await f.h.onboard(carl, { areaName: "Burweg" });
  for (const p of [modHammah, modBurweg, resident]) await f.h.onboard(p);
  await f.grant(modHammah, "moderator", "area:hammah");
  await f.grant(modBurweg, "moderator", "area:burweg");
  ids = { anna: await f.residentId(anna), bert: await f.residentId(bert), carl: await f.residentId(carl) };
}, 120_000);
afterAll(async () => f.dispose());

describe("/unblock", () => {
  it("lifts a block once, records it, and refuses a resident who is not blocked or not the moderator's", async () => {
    expect(texts(await f.h.send(modHammah, `/block ${ids.bert} Werbung`))[0]).toContain(`#${ids.bert} ist gesperrt`);
    expect(texts(await f.h.send(modHammah, `/block ${ids.bert} nochmal`))).toEqual([`Einwohner #${ids.bert} ist bereits gesperrt. Aufheben mit /unblock ${ids.bert}.`]);
    expect(texts(await f.h.send(modBurweg, `/unblock ${ids.bert}`))).toEqual([`Einen Einwohner #${ids.bert}, für den Sie zuständig sind, finde ich nicht.`]);
    expect(texts(await f.h.send(resident, `/unblock ${ids.bert}`))).toEqual(["Das dürfen Sie (hier) nicht."]);

    expect(texts(await f.h.send(modHammah, `/unblock ${ids.bert} war ein Irrtum`))).toEqual([
      `Die Sperre von Einwohner #${ids.bert} ist aufgehoben: Einreichen, Unterstützen und Melden sind wieder möglich.`,
    ]);
    expect((await f.h.db.prisma.resident.findUniqueOrThrow({ where: { id: ids.bert } })).blockedAt).toBeNull();
    expect(texts(await f.h.send(modHammah, `/unblock ${ids.bert}`))).toEqual([`Einwohner #${ids.bert} ist nicht gesperrt; es gibt nichts aufzuheben.`]);
    expect(texts(await f.h.send(modHammah, "/unblock"))).toEqual(["So heben Sie eine Sperre auf: /unblock EINWOHNER-NUMMER [NOTIZ]"]);
    // Bert can take part again.
    expect(await f.submit(bert, "Benches by the pond", "The pond in Hammah has no bench to sit on.")).toBeGreaterThan(0);
    const log = await f.h.db.prisma.auditLog.findMany({ where: { targetType: "resident", targetId: String(ids.bert) }, orderBy: { id: "asc" } });
    expect(log.map((e) => [e.action, e.reason])).toEqual([
      ["resident.block", "Werbung"],
      ["resident.unblock", "war ein Irrtum"],
    ]);
  });
});

describe("/unhide", () => {
  it("restores a hidden idea to the status it had, tells the author, and acts only once", async () => {
    const id = await f.submit(anna, "Sitzbänke am Wanderweg", "Entlang des Wanderwegs an der Oste fehlen Bänke.");
    await f.h.send(modHammah, `/approve ${id}`);
    await f.h.send(modHammah, `/prioritise ${id}`);
    await f.grant(modHammah, "council");
    await f.h.send(modHammah, `/prioritise ${id} 1`);
    expect(await statusOf(id)).toBe("prioritised");
    expect(texts(await f.h.send(modHammah, `/unhide ${id}`))).toEqual([`Idee #${id} ist nicht ausgeblendet (Stand: vom Bürgerrat priorisiert); es gibt nichts wiederherzustellen.`]);

    await f.h.send(modHammah, `/hide ${id} Beleidigung im Text`);
    expect(await statusOf(id)).toBe("hidden");
    expect(texts(await f.h.send(modBurweg, `/unhide ${id}`))).toEqual(["Eine Idee mit dieser Nummer, für die Sie zuständig sind, finde ich nicht."]);
    expect(await statusOf(id)).toBe("hidden");

    f.publisher.clear();
    expect(texts(await f.h.send(modHammah, `/unhide ${id} Der Text wurde geprüft`))).toEqual([
      `Idee #${id} „Sitzbänke am Wanderweg“ ist wieder sichtbar (Stand: vom Bürgerrat priorisiert). Die einreichende Person wird benachrichtigt.`,
    ]);
    expect(await statusOf(id)).toBe("prioritised");
    expect(f.publisher.toResident(ids.anna, "de")).toEqual([
      `Ihre Idee #${id} „Sitzbänke am Wanderweg“ ist wieder öffentlich sichtbar. Hinweis der Moderation: „Der Text wurde geprüft“`,
    ]);
    expect(texts(await f.h.send(modHammah, `/unhide ${id}`))[0]).toContain("ist nicht ausgeblendet");
    const actions = (await auditActions()).filter((a) => a.endsWith(`idea:${id}`));
    expect(actions.slice(-2)).toEqual([`idea.hide idea:${id}`, `idea.unhide idea:${id}`]);
  });
});

describe("/reports", () => {
  it("lists open reports oldest first with content and actions; dismiss resolves once, hide resolves the idea's reports", async () => {
    expect(texts(await f.h.send(modHammah, "/reports"))).toEqual(["Es gibt keine offenen Meldungen in Ihrem Bereich."]);
    expect(texts(await f.h.send(resident, "/reports"))).toEqual(["Das dürfen Sie (hier) nicht."]);
    const first = await f.submit(anna, "Parkplatz am Friedhof", "Am Friedhof fehlen Parkplätze für Besucher.");
    const second = await f.submit(anna, "Kleidertausch im Dorfhaus", "Einmal im Monat ein Kleidertausch im Dorfhaus.");
    const elsewhere = await f.submit(carl, "Spielplatz in Burweg", "Der Spielplatz in Burweg braucht eine neue Schaukel.");
    for (const id of [first, second]) await f.h.send(modHammah, `/approve ${id}`);
    await f.h.send(modBurweg, `/approve ${elsewhere}`);
    await f.h.press(resident, `ideas:repx:${first}`);
    await f.h.press(bert, `ideas:rep:${second}`);
    await f.h.send(bert, "Advertising for a shop");
    await f.h.press(resident, `ideas:repx:${elsewhere}`);
    await f.h.press(resident, `ideas:repx:${second}`);
    const reports = await f.h.db.prisma.report.findMany({ orderBy: { id: "asc" } });
    expect(reports).toHaveLength(4);
    const [r1, r2, r3, r4] = reports.map((r) => r.id) as [number, number, number, number];

    const list = await f.h.send(modHammah, "/reports", NO_BUTTONS);
    expect(list).toHaveLength(1);
    const text = list[0]!.text;
    expect(text).toContain("Offene Meldungen (3 Meldungen, die ältesten zuerst)");
    // Oldest first, only the moderator's area, each with the idea and its text.
    expect(text.indexOf(`Meldung #${r1}`)).toBeLessThan(text.indexOf(`Meldung #${r2}`));
    expect(text.indexOf(`Meldung #${r2}`)).toBeLessThan(text.indexOf(`Meldung #${r4}`));
    expect(text).not.toContain(`Meldung #${r3}`);
    expect(text).toContain(`Idee #${first} „Parkplatz am Friedhof“ (veröffentlicht)`);
    expect(text).toContain("Am Friedhof fehlen Parkplätze für Besucher.");
    expect(text).toContain(`von Einwohner #${ids.bert}: „Advertising for a shop“`);
    expect(list[0]!.choices.map((c) => c.label)).toEqual([
      `Meldung #${r1} verwerfen`,
      `Idee #${first} ausblenden`,
      `Meldung #${r2} verwerfen`,
      `Idee #${second} ausblenden`,
      `Meldung #${r4} verwerfen`,
      `Idee #${second} ausblenden`,
    ]);

    // Dismiss: once, then refused; outside the area refused too.
    expect(texts(await f.h.send(modHammah, "1", NO_BUTTONS))).toEqual([`Meldung #${r1} ist verworfen; der Beitrag bleibt, wie er ist.`]);
    expect(texts(await f.h.press(modHammah, `mod:rdis:${r1}`))[0]).toContain(`Meldung #${r1} ist bereits erledigt`);
    expect(texts(await f.h.press(modHammah, `mod:rdis:${r3}`))).toEqual([`Eine offene Meldung #${r3} in Ihrem Bereich finde ich nicht.`]);
    expect(await statusOf(first)).toBe("approved");

    // Hide asks for the reason with the channel's command prefix; /hide then resolves both reports of the idea.
    expect(texts(await f.h.press(modHammah, `mod:rhide:${r2}`, { ...NO_BUTTONS, commandPrefix: "!" }))[0]).toContain(`!hide ${second} BEGRÜNDUNG`);
    await f.h.send(modHammah, `/hide ${second} Werbung`);
    const open = await f.h.db.prisma.report.findMany({ where: { resolvedAt: null }, orderBy: { id: "asc" } });
    expect(open.map((r) => r.id)).toEqual([r3]);
    expect(texts(await f.h.send(modHammah, "/reports"))).toEqual(["Es gibt keine offenen Meldungen in Ihrem Bereich."]);
    expect(texts(await f.h.send(modBurweg, "/reports"))[0]).toContain(`Meldung #${r3}`);
    expect((await auditActions()).filter((a) => a.startsWith("report."))).toEqual([`report.dismiss report:${r1}`]);
  });

  it("pages a long list with the pager", async () => {
    const id = await f.submit(anna, "Laternen am Schulweg", "Am Schulweg ist es morgens noch dunkel.");
    await f.h.send(modHammah, `/approve ${id}`);
    for (let i = 0; i < 7; i += 1) await f.h.press(resident, `ideas:repx:${id}`);
    const page1 = await f.h.send(modHammah, "/reports", NO_BUTTONS);
    expect(page1[0]!.text).toContain("Offene Meldungen (7 Meldungen, die ältesten zuerst)");
    expect(page1[0]!.text).toContain("Seite 1 von 2");
    const next = page1[0]!.choices.findIndex((c) => c.action === "mod:rpp:2");
    expect(next).toBeGreaterThan(-1);
    const page2 = await f.h.send(modHammah, String(next + 1), NO_BUTTONS);
    expect(page2[0]!.text).toContain("Seite 2 von 2");
    expect(page2[0]!.choices.filter((c) => c.action.startsWith("mod:rdis:"))).toHaveLength(2);
  });
});
