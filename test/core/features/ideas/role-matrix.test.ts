import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Person } from "../../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas-fixture.js";

/**
 * Walks every moderation and council command with every role. An area moderator may act only in
 * their area; council commands need the council role; admins may do everything.
 */
let f: IdeasFixture;
type RoleName = "resident" | "moderator-here" | "moderator-elsewhere" | "council" | "admin";
const people: Record<RoleName, Person> = {
  resident: { channel: "telegram", userId: "4001" },
  "moderator-here": { channel: "telegram", userId: "4002" },
  "moderator-elsewhere": { channel: "matrix", userId: "@mod:example.org" },
  council: { channel: "telegram", userId: "4004" },
  admin: { channel: "telegram", userId: "4005" },
};
const author: Person = { channel: "telegram", userId: "4010" };
const ROLES = Object.keys(people) as RoleName[];
const DENIED = "You are not allowed to do this (here).";
/** What an area moderator hears for an idea outside their areas: the same as for a missing one. */
const NOT_YOURS = "I find no idea with this number that you are responsible for.";
const NOT_YOURS_RESIDENT = /^I find no resident #\d+ that you are responsible for\.$/;
const refused = (text: string) => text === DENIED || text === NOT_YOURS || NOT_YOURS_RESIDENT.test(text);

let pendingId = 0;
let publicId = 0;
let authorId = 0;

beforeAll(async () => {
  f = await createIdeasFixture({ submissionsPerDay: 50 });
  for (const role of ROLES) await f.h.onboard(people[role], { locale: "en" });
  await f.h.onboard(author);
  await f.grant(people["moderator-here"], "moderator", "area:hammah");
  await f.grant(people["moderator-elsewhere"], "moderator", "area:oldendorf");
  await f.grant(people.council, "council");
  await f.grant(people.admin, "admin");
  authorId = await f.residentId(author);
  publicId = await f.submit(author, "Radweg nach Himmelpforten", "Ein sicherer Radweg entlang der Kreisstraße für Schulkinder.");
  await f.h.send(people.admin, `/approve ${publicId}`);
  pendingId = await f.submit(author, "Bücherschrank am Dorfplatz", "Ein offener Bücherschrank zum Tauschen von Büchern.");
  // A draft result for /publishresult, written by the admin (so the council member may review it).
  await f.h.send(people.admin, "/result");
  await f.h.send(people.admin, "Zwischenstand Radweg");
  await f.h.send(people.admin, "Der Bürgerrat hat den Radweg beraten.");
  await f.h.press(people.admin, "council:rnone");
}, 120_000);
afterAll(async () => f.dispose());

interface Case {
  readonly name: string;
  readonly allowed: readonly RoleName[];
  readonly run: (p: Person) => Promise<{ text: string }[]>;
}

const moderators: RoleName[] = ["moderator-here", "admin"];
const councilOnly: RoleName[] = ["council", "admin"];
const cases: Case[] = [
  { name: "/queue", allowed: ["moderator-here", "moderator-elsewhere", "admin"], run: (p) => f.h.send(p, "/queue") },
  { name: "/approve", allowed: moderators, run: (p) => f.h.send(p, `/approve ${pendingId}`) },
  { name: "mod:ok button", allowed: moderators, run: (p) => f.h.press(p, `mod:ok:${pendingId}`) },
  { name: "mod:no button", allowed: moderators, run: (p) => f.h.press(p, `mod:no:${pendingId}`) },
  { name: "/reject", allowed: moderators, run: (p) => f.h.send(p, `/reject ${pendingId} off-topic`) },
  { name: "/hide", allowed: moderators, run: (p) => f.h.send(p, `/hide ${publicId} insulting`) },
  { name: "/block", allowed: moderators, run: (p) => f.h.send(p, `/block ${authorId} abuse`) },
  { name: "/modchat", allowed: ["admin"], run: (p) => f.h.send({ ...p, chatId: "-777", chatKind: "group" }, "/modchat") },
  { name: "/audit", allowed: ["admin"], run: (p) => f.h.send(p, "/audit 5") },
  { name: "/council", allowed: councilOnly, run: (p) => f.h.send(p, "/council") },
  { name: "/rank", allowed: councilOnly, run: (p) => f.h.send(p, `/rank ${publicId} 2`) },
  { name: "/prioritise", allowed: councilOnly, run: (p) => f.h.send(p, `/prioritise ${publicId}`) },
  { name: "/workshop", allowed: councilOnly, run: (p) => f.h.send(p, `/workshop ${publicId}`) },
  { name: "/decide", allowed: councilOnly, run: (p) => f.h.send(p, `/decide ${publicId} accept Wird gebaut.`) },
  { name: "/implemented", allowed: councilOnly, run: (p) => f.h.send(p, `/implemented ${publicId} Fertig.`) },
  { name: "/progress", allowed: councilOnly, run: (p) => f.h.send(p, `/progress ${publicId} Planung läuft.`) },
  { name: "/result", allowed: councilOnly, run: async (p) => [...(await f.h.send(p, "/result")), ...(await f.h.press(p, "council:rcancel"))] },
  { name: "/drafts", allowed: councilOnly, run: (p) => f.h.send(p, "/drafts") },
  { name: "/publishresult", allowed: councilOnly, run: (p) => f.h.send(p, "/publishresult 1") },
];

describe("every moderation and council command with every role", () => {
  for (const c of cases) {
    it(`${c.name}: allowed for ${c.allowed.join(", ")} only`, async () => {
      // Refused roles first, so the state they must not change is still the one they saw.
      const ordered = [...ROLES].sort((a, b) => Number(c.allowed.includes(a)) - Number(c.allowed.includes(b)));
      for (const role of ordered) {
        const replies = await c.run(people[role]);
        const denied = replies.some((r) => refused(r.text));
        expect({ role, denied }).toEqual({ role, denied: !c.allowed.includes(role) });
      }
    });
  }

  it("/help lists staff commands only to those who hold the role", async () => {
    const residentHelp = (await f.h.send(people.resident, "/help"))[0]!.text;
    expect(residentHelp).toContain("/ideas");
    expect(residentHelp).not.toContain("/approve");
    expect(residentHelp).not.toContain("/council");
    const moderatorHelp = (await f.h.send(people["moderator-here"], "/help"))[0]!.text;
    expect(moderatorHelp).toContain("/approve");
    expect(moderatorHelp).not.toContain("/decide");
    const councilHelp = (await f.h.send(people.council, "/help"))[0]!.text;
    expect(councilHelp).toContain("/decide");
    expect(councilHelp).not.toContain("/approve");
  });

  it("refused commands changed nothing: the audit log only names allowed actors", async () => {
    const actors = new Set((await f.h.db.prisma.auditLog.findMany()).map((e) => e.actorIdentity));
    expect(actors).not.toContain("telegram:4001");
    expect(actors).not.toContain("matrix:@mod:example.org");
  });
});
