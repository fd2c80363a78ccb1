import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Person } from "../../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const anna: Person = { channel: "telegram", userId: "3001" };
const bert: Person = { channel: "telegram", userId: "3002" };
const carla: Person = { channel: "matrix", userId: "@carla:example.org" };
const mod: Person = { channel: "telegram", userId: "3900" };
const modGroup: Person = { channel: "telegram", userId: "3900", chatId: "-1005", chatKind: "group" };

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 2 });
  await f.h.onboard(anna);
  await f.h.onboard(bert, { locale: "en" });
  await f.h.onboard(carla, { areaName: "Oldendorf" });
  await f.h.onboard(mod);
  await f.grant(mod, "moderator", "area:oldendorf-himmelpforten");
}, 60_000);
afterAll(async () => f.dispose());

describe("submitting an idea", () => {
  it("offers ideas in the main menu instead of the placeholder", async () => {
    const menu = await f.h.send(anna, "/menu");
    const ideas = menu[0]!.choices.find((c) => c.label === "Ideen")!;
    expect(ideas.action).toBe("ideas:open");
    expect(menu[0]!.choices.find((c) => c.label === "Ergebnisse")!.action).toBe("results:open");
  });

  it("checks length, defaults to the home area and asks for a category", async () => {
    const start = await f.h.send(anna, "/idea");
    expect(start[0]!.text).toContain("kurzen Titel");
    const short = await f.h.send(anna, "Bank");
    expect(short[0]!.text).toContain("Ihrer hat 4");
    await f.h.send(anna, "Sitzbank am Dorfteich");
    const tooLong = await f.h.send(anna, "x".repeat(1501));
    expect(tooLong[0]!.text).toContain("Ihre hat 1501");
    const area = await f.h.send(anna, "Am Dorfteich in Hammah fehlt eine Sitzbank für ältere Spaziergänger.");
    expect(area[0]!.choices[0]!.label).toBe("Hammah");
    const category = await f.h.press(anna, area[0]!.choices[0]!.action);
    expect(category[0]!.choices.map((c) => c.action)).toContain("ideas:cat:community");
    const photoStep = await f.h.press(anna, "ideas:cat:community");
    expect(photoStep[0]!.text).toContain("Foto anhängen");
    expect(photoStep[0]!.choices.map((c) => c.action)).toEqual(["ideas:nophoto", "ideas:cancel"]);
    const preview = await f.h.press(anna, "ideas:nophoto");
    expect(preview[0]!.text).toContain("Ort: Hammah");
    expect(preview[0]!.message.image).toBeUndefined();
    const sent = await f.h.press(anna, "ideas:send");
    expect(sent[0]!.text).toMatch(/Ihre Idee #\d+ „Sitzbank am Dorfteich“ wurde gesendet/);
    const idea = await f.h.db.prisma.idea.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(idea).toMatchObject({ status: "pending", category: "community", photoId: null });
  });

  it("sends every new submission to the moderators with approve and reject choices", async () => {
    const last = f.publisher.requests.at(-1)!;
    // No moderation chat yet: the moderators responsible for the area get it privately.
    expect(last.audience).toEqual({ kind: "residents", residentIds: [await f.residentId(mod)] });
    const card = last.content("de");
    expect(card.html).toContain("Sitzbank am Dorfteich");
    expect(card.choices?.flat().map((c) => c.action)).toEqual([expect.stringMatching(/^mod:ok:\d+$/), expect.stringMatching(/^mod:no:\d+$/)]);

    const set = await f.h.send(modGroup, "/modchat");
    expect(set[0]!.text).toContain("nicht"); // a moderator is no admin
    await f.grant(mod, "admin");
    expect((await f.h.send(modGroup, "/modchat"))[0]!.text).toContain("Dieser Chat erhält");
    const id = await f.submit(bert, "Skate park for Hammah", "A small skate park near the school would give teenagers a place.", { category: "youth" });
    expect(f.publisher.requests.at(-1)!.audience).toEqual({ kind: "chat", channel: "telegram", chatId: "-1005" });
    expect(f.publisher.toChat("-1005").at(-1)).toContain(`Neue Idee #${id}`);
  });

  it("shows similar public ideas and lets the resident support one instead", async () => {
    const pending = await f.h.db.prisma.idea.findFirstOrThrow({ where: { title: "Sitzbank am Dorfteich" } });
    await f.h.send(modGroup, `/approve ${pending.id}`);
    await f.h.send(carla, "/idea");
    await f.h.send(carla, "Neue Sitzbank am Teich");
    const area = await f.h.send(carla, "Eine Sitzbank am Dorfteich wäre schön für alle.");
    await f.h.press(carla, area[0]!.choices[0]!.action);
    await f.h.press(carla, "ideas:cat:community");
    const similar = await f.h.press(carla, "ideas:nophoto");
    expect(similar[0]!.text).toContain("ähnliche Ideen");
    expect(similar[0]!.text).toContain(`#${pending.id} Sitzbank am Dorfteich`);
    const supportChoice = similar[0]!.choices.find((c) => c.action === `ideas:sup:${pending.id}`)!;
    const supported = await f.h.press(carla, supportChoice.action);
    expect(supported[0]!.text).toContain("Danke, dass Sie");
    const state = await f.h.db.prisma.conversation.findFirstOrThrow({ where: { key: "matrix:@carla:example.org" } });
    expect(state.flow).toBeNull();
    expect(await f.h.db.prisma.idea.count({ where: { title: "Neue Sitzbank am Teich" } })).toBe(0);
  });

  it("lets each resident support once; supporting follows", async () => {
    const idea = await f.h.db.prisma.idea.findFirstOrThrow({ where: { title: "Sitzbank am Dorfteich" } });
    const again = await f.h.press(carla, `ideas:sup:${idea.id}`);
    expect(again[0]!.text).toContain("bereits");
    expect(await f.h.db.prisma.support.count({ where: { ideaId: idea.id } })).toBe(1);
    expect(await f.h.db.prisma.follow.count({ where: { ideaId: idea.id } })).toBe(1);
    const unfollow = await f.h.press(carla, `ideas:unf:${idea.id}`);
    expect(unfollow[0]!.text).toContain("nicht mehr");
    await f.h.press(carla, `ideas:fol:${idea.id}`);
    expect(await f.h.db.prisma.follow.count({ where: { ideaId: idea.id } })).toBe(1);
    expect((await f.h.press(anna, `ideas:sup:${idea.id}`))[0]!.text).toContain("eigene Idee");
  });

  it("limits submissions per resident per day with a clear answer", async () => {
    await f.submit(anna, "Mehr Mülleimer im Ort", "Entlang der Hauptstraße fehlen Mülleimer für Hundebeutel.", { category: "environment" });
    const refused = await f.h.send(anna, "/idea");
    expect(refused[0]!.text).toContain("bereits 2 Ideen");
    f.h.clock.advance(24 * 60 * 60 * 1000 + 1000);
    expect((await f.h.send(anna, "/idea"))[0]!.text).toContain("kurzen Titel");
    await f.h.press(anna, "ideas:cancel");
  });
});

describe("the proposal list and an idea's page", () => {
  it("lists only published ideas of the resident's area, newest or most supported first, paged", async () => {
    const list = await f.h.press(bert, "ideas:list:n:0");
    expect(list[0]!.text).toContain("Ideas, newest first");
    expect(list[0]!.choices.map((c) => c.label)).toContain("#1 Sitzbank am Dorfteich (1)");
    // Bert's skate park is still pending: not in the list.
    expect(list[0]!.choices.some((c) => c.label.includes("Skate"))).toBe(false);
    const top = await f.h.press(bert, "ideas:list:t:0");
    expect(top[0]!.text).toContain("most supported");
    // Carla lives in Oldendorf: Hammah's idea is not in her list.
    const hers = await f.h.press(carla, "ideas:list:n:0");
    expect(hers[0]!.text).toContain("noch keine");
  });

  it("shows the text, status history and the actions", async () => {
    const detail = await f.h.press(bert, "ideas:show:1");
    expect(detail[0]!.text).toContain("Sitzbank am Dorfteich");
    expect(detail[0]!.text).toContain("Status: published");
    expect(detail[0]!.text).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}: waiting for moderation/);
    expect(detail[0]!.choices.map((c) => c.action)).toEqual(expect.arrayContaining(["ideas:sup:1", "ideas:fol:1", "ideas:rep:1"]));
  });

  it("keeps pending ideas from other residents private", async () => {
    const skate = await f.h.db.prisma.idea.findFirstOrThrow({ where: { title: { startsWith: "Skate" } } });
    expect((await f.h.press(anna, `ideas:show:${skate.id}`))[0]!.text).toContain("finde ich nicht");
    expect((await f.h.press(bert, `ideas:show:${skate.id}`))[0]!.text).toContain("Skate park");
  });
});

describe("reports", () => {
  it("reach the moderators with the reason", async () => {
    f.publisher.clear();
    await f.h.press(bert, "ideas:rep:1");
    const done = await f.h.send(bert, "This duplicates an older idea.");
    expect(done[0]!.text).toContain("moderators will look");
    const toMods = f.publisher.toChat("-1005", "en");
    expect(toMods).toHaveLength(1);
    expect(toMods[0]).toContain("Idea #1 “Sitzbank am Dorfteich” was reported by resident");
    expect(toMods[0]).toContain("This duplicates an older idea.");
    expect(await f.h.db.prisma.report.count({ where: { targetType: "idea", targetId: 1 } })).toBe(1);
  });
});

describe("blocked residents", () => {
  it("cannot submit, support or report, and are told why", async () => {
    const bertId = await f.residentId(bert);
    expect((await f.h.send(modGroup, `/block ${bertId} spam`))[0]!.text).toContain("gesperrt");
    for (const attempt of [() => f.h.send(bert, "/idea"), () => f.h.press(bert, "ideas:sup:1"), () => f.h.press(bert, "ideas:rep:1")]) {
      expect((await attempt())[0]!.text).toContain("access was restricted");
    }
    expect(await f.h.db.prisma.support.count({ where: { residentId: bertId } })).toBe(0);
  });
});
