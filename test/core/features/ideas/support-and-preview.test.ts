import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundPhoto } from "../../../../src/core/model/photo.js";
import { NO_BUTTONS, type Person } from "../../../support/core-harness.js";
import { tinyPng } from "../../../support/tiny-png.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const anna: Person = { channel: "telegram", userId: "3701" };
const bert: Person = { channel: "telegram", userId: "3702" };
const carla: Person = { channel: "console", userId: "carla" };
const mod: Person = { channel: "telegram", userId: "3790" };
const picture = tinyPng(8, [200, 20, 40]);
const photo: InboundPhoto = { status: "ok", bytes: picture, mimeType: "image/png" };

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 10 });
  await f.h.onboard(anna);
  await f.h.onboard(bert, { locale: "en" });
  await f.h.onboard(carla, { locale: "en" });
  await f.h.onboard(mod);
  await f.grant(mod, "moderator");
}, 60_000);
afterAll(async () => f.dispose());

async function publicIdea(title: string): Promise<number> {
  const id = await f.submit(anna, title, "Eine ausführliche Beschreibung, worum es bei dieser Idee geht.");
  await f.h.press(mod, `mod:ok:${id}`);
  return id;
}

const labelsOf = (replies: { choices: { label: string }[] }[]) => replies.at(-1)!.choices.map((c) => c.label);
const rows = async (ideaId: number, person: Person) => {
  const residentId = await f.residentId(person);
  return {
    supports: await f.h.db.prisma.support.count({ where: { ideaId, residentId } }),
    follows: await f.h.db.prisma.follow.count({ where: { ideaId, residentId } }),
  };
};

describe("withdrawing a support", () => {
  it("offers 'withdraw support' instead of 'support' once supported; the count and the follow it made end with it", async () => {
    const id = await publicIdea("Trinkbrunnen am Marktplatz");
    let page = await f.h.press(bert, `ideas:show:${id}`);
    expect(labelsOf(page)).toContain("Support");
    await f.h.press(bert, `ideas:sup:${id}`);
    page = await f.h.press(bert, `ideas:show:${id}`);
    expect(labelsOf(page)).toContain("Withdraw support");
    expect(labelsOf(page)).not.toContain("Support");
    expect(page[0]!.text).toContain("1");
    expect(await rows(id, bert)).toEqual({ supports: 1, follows: 1 });

    const withdrawn = await f.h.press(bert, `ideas:unsup:${id}`);
    expect(withdrawn[0]!.text).toContain("no longer support");
    expect(withdrawn[0]!.text).toContain("no longer follow it");
    expect(await rows(id, bert)).toEqual({ supports: 0, follows: 0 });
    const idea = await f.stores.ideas.get(id);
    expect(idea?.supportCount).toBe(0);
    page = await f.h.press(bert, `ideas:show:${id}`);
    expect(labelsOf(page)).toContain("Support");
    expect(labelsOf(page)).toContain("Follow");

    const again = await f.h.press(bert, `ideas:unsup:${id}`);
    expect(again[0]!.text).toContain("do not support");
    // It can be given again.
    await f.h.press(bert, `ideas:sup:${id}`);
    expect(await rows(id, bert)).toEqual({ supports: 1, follows: 1 });
  });

  it("keeps a follow the resident chose themselves, before or after supporting", async () => {
    const id = await publicIdea("Bücherschrank an der Bushaltestelle");
    await f.h.press(carla, `ideas:fol:${id}`, NO_BUTTONS);
    await f.h.press(carla, `ideas:sup:${id}`, NO_BUTTONS);
    let r = await f.h.press(carla, `ideas:show:${id}`, NO_BUTTONS);
    const withdraw = r.at(-1)!.choices.findIndex((c) => c.label === "Withdraw support");
    r = await f.h.send(carla, String(withdraw + 1), NO_BUTTONS);
    expect(r[0]!.text).toContain("You still follow it");
    expect(await rows(id, carla)).toEqual({ supports: 0, follows: 1 });

    // Support first, then follow on purpose: the follow outlasts the support too.
    await f.h.press(bert, `ideas:sup:${id}`);
    await f.h.press(bert, `ideas:fol:${id}`);
    await f.h.press(bert, `ideas:unsup:${id}`);
    expect(await rows(id, bert)).toEqual({ supports: 0, follows: 1 });
  });
});

describe("the idea preview", () => {
  it("lets the resident fix category, place, title and text, keeping the photo and the rest", async () => {
    await f.h.send(anna, "/idea");
    await f.h.send(anna, "Blumenwiese am Sportplatz");
    const area = await f.h.send(anna, "Am Rand des Sportplatzes könnte eine Blumenwiese für Insekten entstehen.");
    await f.h.press(anna, area.at(-1)!.choices[0]!.action);
    await f.h.press(anna, "ideas:cat:traffic");
    let r = await f.h.sendPhoto(anna, photo);
    expect(r[0]!.text).toContain("Verkehr");
    expect(labelsOf(r)).toEqual(expect.arrayContaining(["Meine Idee senden", "Abbrechen", "Kategorie ändern", "Titel ändern", "Beschreibung ändern", "Ort ändern"]));

    r = await f.h.press(anna, "ideas:edit:cat");
    expect(labelsOf(r)).toContain("Zurück zur Vorschau");
    r = await f.h.press(anna, "ideas:cat:environment");
    expect(r[0]!.text).toContain("Umwelt");
    expect(r[0]!.text).toContain("Blumenwiese am Sportplatz");
    expect(Buffer.from(r[0]!.message.image?.bytes ?? [])).toEqual(Buffer.from(picture));

    r = await f.h.press(anna, "ideas:edit:title");
    expect(r[0]!.text).toContain("Bisheriger Titel: „Blumenwiese am Sportplatz“");
    r = await f.h.send(anna, "Bank");
    expect(r[0]!.text).toContain("Ihrer hat 4");
    r = await f.h.send(anna, "Insektenwiese am Sportplatz");
    expect(r[0]!.text).toContain("Insektenwiese am Sportplatz");

    r = await f.h.press(anna, "ideas:edit:text");
    r = await f.h.send(anna, "Am Sportplatz soll eine Wiese mit heimischen Blumen für Bienen entstehen.");
    expect(r[0]!.text).toContain("heimischen Blumen");

    r = await f.h.press(anna, "ideas:edit:area");
    r = await f.h.press(anna, "ideas:areas");
    const burweg = r.at(-1)!.choices.find((c) => c.label === "Burweg")!;
    r = await f.h.press(anna, burweg.action);
    expect(r[0]!.text).toContain("Ort: Burweg");

    // Going back from a change prompt leaves the preview as it was.
    await f.h.press(anna, "ideas:edit:cat");
    r = await f.h.press(anna, "ideas:edit:back");
    expect(r[0]!.text).toContain("Umwelt");

    const sent = await f.h.press(anna, "ideas:send");
    const id = Number(/#(\d+)/.exec(sent[0]!.text)![1]);
    const idea = await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id }, include: { photo: true, area: true } });
    expect(idea).toMatchObject({
      title: "Insektenwiese am Sportplatz",
      description: "Am Sportplatz soll eine Wiese mit heimischen Blumen für Bienen entstehen.",
      category: "environment",
    });
    expect(idea.area?.name).toBe("Burweg");
    expect(Buffer.from(idea.photo?.bytes ?? [])).toEqual(Buffer.from(picture));
  });

  it("refuses a change choice outside the preview", async () => {
    const r = await f.h.press(bert, "ideas:edit:cat");
    expect(r[0]!.text).not.toContain("Kategorie");
    expect(await f.h.db.prisma.conversation.count({ where: { flow: "ideas", step: "category" } })).toBe(0);
  });
});
