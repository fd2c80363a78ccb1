import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundPhoto } from "../../../../src/core/model/photo.js";
import type { Person } from "../../../support/core-harness.js";
import { tinyPng } from "../../../support/tiny-png.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const anna: Person = { channel: "telegram", userId: "3501" };
const bert: Person = { channel: "telegram", userId: "3502" };
const mod: Person = { channel: "telegram", userId: "3590" };
const picture = tinyPng(8, [20, 120, 40]);
const ok: InboundPhoto = { status: "ok", bytes: picture, mimeType: "image/png" };

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 10 });
  await f.h.onboard(anna);
  await f.h.onboard(bert, { locale: "en" });
  await f.h.onboard(mod);
  await f.grant(mod, "moderator");
}, 60_000);
afterAll(async () => f.dispose());

/** Walks the submit flow up to the photo step. */
async function toPhotoStep(person: Person, title: string): Promise<void> {
  await f.h.send(person, "/idea");
  await f.h.send(person, title);
  const area = await f.h.send(person, "Eine ausführliche Beschreibung, worum es bei dieser Idee geht.");
  await f.h.press(person, area.at(-1)!.choices[0]!.action);
  await f.h.press(person, "ideas:cat:environment");
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => expect(Buffer.from(a ?? [])).toEqual(Buffer.from(b));

describe("an idea's photo", () => {
  it("is refused before the photo step without losing the draft", async () => {
    await f.h.send(anna, "/idea");
    const early = await f.h.sendPhoto(anna, ok, "Die Stelle");
    expect(early[0]!.text).toContain("sobald Sie das Thema gewählt haben");
    const next = await f.h.send(anna, "Blühstreifen am Feldweg");
    expect(next[0]!.text).toContain("beschreiben Sie Ihre Idee");
    await f.h.press(anna, "ideas:cancel");
    expect(await f.h.db.prisma.photo.count()).toBe(0);
  });

  it("answers unusable photos clearly, keeps nothing and still offers to go on without one", async () => {
    await toPhotoStep(anna, "Blühstreifen am Feldweg");
    const cases: [InboundPhoto, string][] = [
      [{ status: "too-large" }, "höchstens 5 MB"],
      [{ status: "unsupported" }, "JPEG oder PNG"],
      [{ status: "unavailable" }, "noch einmal"],
    ];
    for (const [photo, text] of cases) {
      const reply = await f.h.sendPhoto(anna, photo);
      expect(reply[0]!.text).toContain(text);
      expect(reply[0]!.choices.map((c) => c.action)).toEqual(["ideas:nophoto", "ideas:cancel"]);
      expect(reply[0]!.message.awaitsPhoto).toBe(true);
    }
    const typed = await f.h.send(anna, "hier kommt gleich eins");
    expect(typed[0]!.text).toContain("Foto anhängen");
    // Marked, so the terminal can say how to attach one.
    expect(typed[0]!.message.awaitsPhoto).toBe(true);
    expect(await f.h.db.prisma.photo.count()).toBe(0);
    const state = await f.h.db.prisma.conversation.findFirstOrThrow({ where: { key: "telegram:3501" } });
    expect(state.step).toBe("photo");
  });

  it("is kept when sent, shown in the preview and attached to the idea and the moderators' card", async () => {
    const preview = await f.h.sendPhoto(anna, ok, "egal");
    expect(preview[0]!.text).toContain("Blühstreifen am Feldweg");
    expect(preview[0]!.message.awaitsPhoto).toBeUndefined();
    sameBytes(preview[0]!.message.image?.bytes, picture);
    expect(preview[0]!.message.image?.alt).toBe("Foto zur Idee „Blühstreifen am Feldweg“");
    expect(preview[0]!.choices.map((c) => c.action)).toContain("ideas:send");

    const sent = await f.h.press(anna, "ideas:send");
    const id = Number(/#(\d+)/.exec(sent[0]!.text)![1]);
    const idea = await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id }, include: { photo: true } });
    sameBytes(idea.photo?.bytes, picture);
    expect(idea.photo?.mimeType).toBe("image/png");

    const card = f.publisher.requests.find((r) => r.origin === `idea:${id}:submitted`)!;
    sameBytes(card.content("de").image?.bytes, picture);
    expect(card.content("en").image?.alt).toBe("Photo of the idea “Blühstreifen am Feldweg”");
    const queue = await f.h.send(mod, "/queue");
    const queued = queue.find((r) => r.text.includes("Blühstreifen am Feldweg"))!;
    sameBytes(queued.message.image?.bytes, picture);
  });

  it("becomes public with the idea: in the feed announcement and on the idea's page", async () => {
    const idea = await f.h.db.prisma.idea.findFirstOrThrow({ where: { title: "Blühstreifen am Feldweg" } });
    const before = await f.h.press(bert, `ideas:show:${idea.id}`);
    expect(before[0]!.message.image).toBeUndefined(); // pending: not even the photo shows
    await f.h.send(mod, `/approve ${idea.id}`);
    const announcement = f.publisher.requests.find((r) => r.origin === `idea:${idea.id}:published`)!;
    sameBytes(announcement.content("de").image?.bytes, picture);
    const page = await f.h.press(bert, `ideas:show:${idea.id}`);
    expect(page[0]!.text).toContain("Blühstreifen am Feldweg");
    sameBytes(page[0]!.message.image?.bytes, picture);
    // Status notices stay text only: the author knows the photo already.
    const notice = f.publisher.requests.find((r) => r.origin === `idea:${idea.id}:approved`)!;
    expect(notice.content("de").image).toBeUndefined();
  });

  it("is optional: going on without one submits an idea without a photo", async () => {
    await toPhotoStep(bert, "Trinkbrunnen am Marktplatz");
    const preview = await f.h.press(bert, "ideas:nophoto");
    expect(preview[0]!.message.image).toBeUndefined();
    const sent = await f.h.press(bert, "ideas:send");
    const id = Number(/#(\d+)/.exec(sent[0]!.text)![1]);
    expect((await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id } })).photoId).toBeNull();
    expect(f.publisher.requests.find((r) => r.origin === `idea:${id}:submitted`)!.content("de").image).toBeUndefined();
  });

  it("that was removed while the draft waited leaves the idea without a photo instead of failing", async () => {
    await toPhotoStep(bert, "Fahrradständer am Bahnhof");
    await f.h.sendPhoto(bert, ok);
    const draft = await f.h.db.prisma.conversation.findFirstOrThrow({ where: { key: "telegram:3502" } });
    const photoId = (draft.data as { photoId: number }).photoId;
    await f.h.db.prisma.photo.delete({ where: { id: photoId } });
    const sent = await f.h.press(bert, "ideas:send");
    const id = Number(/#(\d+)/.exec(sent[0]!.text)![1]);
    expect((await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id } })).photoId).toBeNull();
  });

  it("shows titles with & and < as written on buttons, which show no HTML", async () => {
    const id = await f.submit(bert, "Bänke & Tische <neu>", "Am Spielplatz fehlen Bänke und Tische für Familien.");
    await f.h.send(mod, `/approve ${id}`);
    const list = await f.h.press(bert, "ideas:list:n:0");
    expect(list[0]!.choices.map((c) => c.label)).toContain(`#${id} Bänke & Tische <neu> (0)`);
  });
});
