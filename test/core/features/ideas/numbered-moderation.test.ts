/**
 * Numbered replies in a moderation chat without buttons, and the council result's idea step: a
 * number that could mean two things is asked back and never acts, and no draft is lost by it.
 * The cards reach the chat as the outbox would deliver them: their choices are remembered for the
 * chat the way the dispatcher does after each send.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BUTTONS, type Person } from "../../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const anna: Person = { channel: "matrix", userId: "@anna:example.org" };
const mona: Person = { channel: "matrix", userId: "@mona:example.org" };
const modRoom: Person = { ...mona, chatId: "!mod:example.org", chatKind: "group" };
const admin: Person = { channel: "matrix", userId: "@olga:example.org" };
const jens: Person = { channel: "console", userId: "jens" };
const texts = (replies: readonly { text: string }[]) => replies.map((r) => r.text);
const statusOf = async (id: number) => (await f.h.db.prisma.idea.findUniqueOrThrow({ where: { id } })).status;

/** Delivers the latest card published to the moderation room, as the dispatcher would. */
async function deliverCard(ideaId: number): Promise<string[]> {
  const request = f.publisher.requests.find((r) => r.origin === `idea:${ideaId}:submitted`);
  if (!request) throw new Error(`no card for idea ${ideaId}: ${f.publisher.requests.map((r) => r.origin).join(", ")}`);
  const card = request.content("de");
  const choices = (card.choices ?? []).flat();
  await f.h.stores.conversations.rememberChoices("matrix:!mod:example.org", choices);
  return choices.map((c) => c.label);
}

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 10 });
  for (const p of [anna, mona, admin, jens]) await f.h.onboard(p);
  await f.grant(mona, "moderator", "area:hammah");
  await f.grant(admin, "admin");
  await f.grant(jens, "council");
  await f.h.send({ ...admin, chatId: "!mod:example.org", chatKind: "group" }, "/modchat", NO_BUTTONS);
}, 120_000);
afterAll(async () => f.dispose());

describe("numbered replies to moderation cards", () => {
  it("names the idea in each card's choices and asks back when “1” fits two cards, acting on neither", async () => {
    const first = await f.submit(anna, "Bänke am Wanderweg", "Entlang der Oste fehlen Bänke zum Ausruhen.");
    const second = await f.submit(anna, "Licht am Bolzplatz", "Im Winter ist es am Bolzplatz zu früh dunkel.");
    expect(await deliverCard(first)).toEqual([`Freigeben #${first}`, `Ablehnen #${first}`]);
    expect(await deliverCard(second)).toEqual([`Freigeben #${second}`, `Ablehnen #${second}`]);

    const asked = await f.h.send(modRoom, "1", NO_BUTTONS);
    expect(texts(asked)).toEqual([
      `Die 1 passt hier zu mehreren Nachrichten: „Freigeben #${first}“ oder „Freigeben #${second}“. Was meinen Sie? Bitte wählen Sie unten.`,
    ]);
    expect(asked[0]!.choices.map((c) => c.action)).toEqual([`mod:ok:${first}`, `mod:ok:${second}`]);
    expect(await statusOf(first)).toBe("pending");
    expect(await statusOf(second)).toBe("pending");

    // The question is the latest message: its numbers are unambiguous.
    expect(texts(await f.h.send(modRoom, "2", NO_BUTTONS))[0]).toContain(`Idee #${second} „Licht am Bolzplatz“ ist freigegeben`);
    expect(await statusOf(first)).toBe("pending");
    expect(await statusOf(second)).toBe("approved");
    // The command never needs a number from the screen.
    expect(texts(await f.h.send(modRoom, `/approve ${first}`, NO_BUTTONS))[0]).toContain(`Idee #${first}`);
    expect(await statusOf(first)).toBe("approved");
  });

  it("acts on no card for a number that fits none of them, or two", async () => {
    const a = await f.submit(anna, "Mülleimer am Spielplatz", "Am Spielplatz fehlt ein Mülleimer für Verpackungen.");
    const b = await f.submit(anna, "Fahrradständer am Bahnhof", "Am Bahnhof gibt es zu wenige Fahrradständer.");
    await deliverCard(a);
    await deliverCard(b);
    // "3" is on no card: nothing acts.
    expect(texts(await f.h.send(modRoom, "3", NO_BUTTONS))).toEqual(["Bitte antworten Sie mit einer Zahl von 1 bis 2."]);
    const asked = await f.h.send(modRoom, "2", NO_BUTTONS);
    expect(asked[0]!.text).toContain(`„Ablehnen #${a}“ oder „Ablehnen #${b}“`);
    expect(await statusOf(a)).toBe("pending");
    expect(await statusOf(b)).toBe("pending");
  });
});

describe("the council result's idea step", () => {
  const latestDraft = () => f.h.db.prisma.councilResult.findFirstOrThrow({ orderBy: { id: "desc" }, include: { ideas: true } });
  async function draftUpToIdeas(title: string): Promise<string[]> {
    await f.h.send(jens, "/result", NO_BUTTONS);
    await f.h.send(jens, title, NO_BUTTONS);
    const step = await f.h.send(jens, "Der Rat empfiehlt, die Vorschläge im Frühjahr umzusetzen.", NO_BUTTONS);
    expect(step.at(-1)!.text).toContain("mit #");
    return step.at(-1)!.choices.map((c) => c.label);
  }

  it("asks whether “2” means idea #2 or Cancel, and keeps the draft either way", async () => {
    // Ideas #1 and #2 were approved above: both numbers could be meant as ideas.
    expect(await statusOf(2)).toBe("approved");
    expect(await draftUpToIdeas("Bänke und Licht")).toEqual(["Keine bestimmte Idee", "Abbrechen"]);
    const asked = await f.h.send(jens, "2", NO_BUTTONS);
    expect(texts(asked)).toEqual(["Meinen Sie mit „2“ die Idee #2 „Licht am Bolzplatz“ oder „Entwurf „Bänke und Licht“ verwerfen“? Bitte wählen Sie."]);
    expect(asked[0]!.choices.map((c) => c.action)).toEqual(["council:rids:2", "council:rcancel:sure"]);
    expect(await f.h.db.prisma.councilResult.count()).toBe(0);

    const drafted = await f.h.send(jens, "1", NO_BUTTONS);
    expect(drafted[0]!.text).toMatch(/Entwurf #\d+ ist gespeichert/);
    const draft = await latestDraft();
    expect(draft).toMatchObject({ title: "Bänke und Licht", text: "Der Rat empfiehlt, die Vorschläge im Frühjahr umzusetzen." });
    expect(draft.ideas.map((i) => i.ideaId)).toEqual([2]);
  });

  it("asks whether “1” means idea #1 or “No particular idea”", async () => {
    await draftUpToIdeas("Ohne Bezug?");
    const asked = await f.h.send(jens, "1", NO_BUTTONS);
    expect(asked[0]!.text).toBe("Meinen Sie mit „1“ die Idee #1 „Bänke am Wanderweg“ oder „Keine bestimmte Idee“? Bitte wählen Sie.");
    const drafted = await f.h.send(jens, "2", NO_BUTTONS);
    expect(drafted[0]!.text).toMatch(/Entwurf #\d+ ist gespeichert/);
    expect((await latestDraft()).ideas).toEqual([]);
  });

  it("confirms a typed Cancel before the title and text are dropped, also where no idea has that number", async () => {
    // Idea #2 hidden: "2" can only mean Cancel now, and still asks first.
    expect(texts(await f.h.send(modRoom, "/hide 2 Doppelt", NO_BUTTONS))[0]).toContain("ausgeblendet");
    const before = await f.h.db.prisma.councilResult.count();
    await draftUpToIdeas("Nur ein Entwurf");
    const asked = await f.h.send(jens, "2", NO_BUTTONS);
    expect(texts(asked)).toEqual(["Möchten Sie den Entwurf „Nur ein Entwurf“ wirklich verwerfen? Titel und Text gehen dann verloren."]);
    expect(asked[0]!.choices.map((c) => c.label)).toEqual(["Entwurf „Nur ein Entwurf“ verwerfen", "Weiter schreiben"]);
    const back = await f.h.send(jens, "2", NO_BUTTONS);
    expect(back.at(-1)!.text).toContain("mit #");
    // Idea numbers typed with "#" are never taken for a choice.
    expect((await f.h.send(jens, "#1", NO_BUTTONS))[0]!.text).toMatch(/Entwurf #\d+ ist gespeichert/);
    expect(await f.h.db.prisma.councilResult.count()).toBe(before + 1);
    expect((await f.h.db.prisma.councilResult.findFirstOrThrow({ orderBy: { id: "desc" } })).title).toBe("Nur ein Entwurf");

    await draftUpToIdeas("Verworfener Entwurf");
    await f.h.send(jens, "2", NO_BUTTONS);
    expect(texts(await f.h.send(jens, "1", NO_BUTTONS))).toEqual(["Der Entwurf wurde verworfen. Es wurde nichts gespeichert."]);
    expect(await f.h.db.prisma.councilResult.count()).toBe(before + 1);
    // A pressed Cancel button means Cancel: no question.
    await draftUpToIdeas("Per Knopf verworfen");
    expect(texts(await f.h.press(jens, "council:rcancel"))).toEqual(["Der Entwurf wurde verworfen. Es wurde nichts gespeichert."]);
  });
});
