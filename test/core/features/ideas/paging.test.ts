import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_CHARS } from "../../../../src/core/render/pager.js";
import { NO_BUTTONS, type Person } from "../../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

let f: IdeasFixture;
const admin: Person = { channel: "telegram", userId: "7700" };
const author: Person = { channel: "telegram", userId: "7701" };
const council = { identity: "telegram:7702", name: "Rat" };

beforeAll(async () => {
  f = await createIdeasFixture();
  await f.grant(admin, "admin");
  await f.grant(admin, "moderator");
  await f.h.onboard(admin, { locale: "de" });
  await f.h.onboard(author, { locale: "de" });
});
afterAll(async () => f.dispose());

/** Walks a paged reply by its "Weiter ›" choice; returns every page's last message. */
async function walk(person: Person, first: { text: string; choices: { label: string; action: string }[] }) {
  const pages = [first];
  for (let next = first.choices.find((c) => c.label === "Weiter ›"); next; next = pages.at(-1)!.choices.find((c) => c.label === "Weiter ›")) {
    const r = await f.h.press(person, next.action);
    pages.push(r.at(-1)!);
  }
  return pages;
}

describe("/audit with long council notes", () => {
  it("pages nine 1,000-character notes, each once, every page within the budget", async () => {
    await f.h.access.run(async () => {
      for (let i = 0; i < 9; i += 1) {
        await f.stores.audit.record(council, "idea.progress", "idea", 100 + i, `Notiz${i} ${"Der Rat hat im Workshop beraten. ".repeat(40)}`.slice(0, 1_000));
      }
    });
    const first = (await f.h.send(admin, "/audit 20"))[0]!;
    expect(first.text).toContain("Seite 1 von");
    const pages = await walk(admin, first);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const seen = pages.flatMap((p) => [...p.text.matchAll(/Notiz(\d) /g)].map((m) => Number(m[1])));
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const page of pages) {
      expect(page.text.length).toBeLessThanOrEqual(PAGE_CHARS);
      expect(page.text).toContain("Protokoll");
    }
    // The page actions keep the N asked for.
    expect(first.choices.at(-1)!.action).toBe("mod:aup:20:2");
  });

  it("walks by number where there are no buttons", async () => {
    const first = (await f.h.send(admin, "/audit 20", NO_BUTTONS))[0]!;
    expect(first.choices.map((c) => c.label)).toEqual(["Weiter ›"]);
    const second = (await f.h.send(admin, "1", NO_BUTTONS))[0]!;
    expect(second.text).toContain("Seite 2 von");
    expect(second.choices[0]!.label).toBe("‹ Zurück");
  });
});

describe("/queue with many pending ideas", () => {
  it("shows ten cards a page, the page line last, and reaches every idea", async () => {
    const authorId = await f.residentId(author);
    const ids: number[] = [];
    await f.h.access.run(async () => {
      for (let i = 0; i < 23; i += 1) {
        const idea = await f.stores.ideas.create(
          { title: `Warteschlange ${i}`, description: "Eine Bank am Teich.", areaId: null, category: "community", authorId, createdAt: f.h.clock.now() },
          { identity: "telegram:7701", name: "Autorin" },
        );
        ids.push(idea.id);
      }
    });
    const first = await f.h.send(admin, "/queue");
    const cards = (replies: typeof first) => replies.flatMap((r) => [...r.text.matchAll(/Warteschlange (\d+)/g)].map((m) => Number(m[1])));
    expect(cards(first)).toHaveLength(10);
    expect(first.at(-1)!.text).toBe("Seite 1 von 3");
    const second = await f.h.press(admin, first.at(-1)!.choices.find((c) => c.label === "Weiter ›")!.action);
    const third = await f.h.press(admin, second.at(-1)!.choices.find((c) => c.label === "Weiter ›")!.action);
    expect(third.at(-1)!.text).toBe("Seite 3 von 3");
    expect([...cards(first), ...cards(second), ...cards(third)].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));

    // Decided meanwhile: page 3 no longer exists, and the answer says so.
    await f.h.access.run(async () => {
      for (const id of ids.slice(0, 10)) await f.stores.ideas.transition(id, ["pending"], "approved", council, null);
    });
    const stale = await f.h.press(admin, "mod:qp:3");
    expect(stale.at(-1)!.text).toBe("Die Liste hat sich inzwischen geändert; hier ist Seite 2 von 2.");
    expect(cards(stale)).toHaveLength(3);
  });
});

describe("an idea's path with long council notes", () => {
  it("is paged on the idea's page, each note once, every page within the budget", async () => {
    const authorId = await f.residentId(author);
    const idea = await f.h.access.run(async () => {
      const created = await f.stores.ideas.create(
        { title: "Pfad mit Notizen", description: "Ein Dorfplatz.", areaId: null, category: "community", authorId, createdAt: f.h.clock.now() },
        { identity: "telegram:7701", name: "Autorin" },
      );
      await f.stores.ideas.transition(created.id, ["pending"], "approved", council, null);
      await f.stores.ideas.transition(created.id, ["approved"], "workshop", council, null);
      for (let i = 0; i < 9; i += 1) await f.stores.ideas.addNote(created.id, council, `Ratsnotiz${i} ${"Im Workshop wurde weiter beraten. ".repeat(40)}`.slice(0, 1_000));
      return created;
    });
    const first = (await f.h.press(author, `ideas:show:${idea.id}`)).at(-1)!;
    const pages = await walk(author, first);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) {
      expect(page.text.length).toBeLessThanOrEqual(PAGE_CHARS);
      expect(page.text).toContain("Pfad mit Notizen");
      expect(page.choices.some((c) => c.action === "ideas:list:n:0")).toBe(true);
    }
    const seen = pages.flatMap((p) => [...p.text.matchAll(/Ratsnotiz(\d) /g)].map((m) => Number(m[1])));
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
