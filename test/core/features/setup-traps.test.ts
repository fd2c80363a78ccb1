import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../src/app/create-features.js";
import { createCoreHarness, NO_BUTTONS, type CoreHarness, type Person } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";

const grant = (h: CoreHarness, identity: string, role: string, scope = "*") =>
  h.db.prisma.roleAssignment.create({ data: { identity, role, scope, grantedBy: "test" } });

describe("onboarding without villages", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    h = await createCoreHarness();
    // A fresh PostgreSQL database: nobody added villages yet.
    await h.db.prisma.area.deleteMany({ where: { parentId: { not: null } } });
    await h.db.prisma.area.deleteMany();
  });
  afterAll(async () => h.dispose());

  it("says that no villages are set up instead of naming an empty one", async () => {
    const anna: Person = { channel: "telegram", userId: "2001", localeHint: "de-DE" };
    await h.send(anna, "/start");
    const privacy = await h.press(anna, "onboarding:lang:de");
    expect(privacy[0]!.text).toContain("Datenschutz");
    const done = await h.press(anna, "onboarding:accept");
    expect(done[0]!.text).toContain("Es sind noch keine Orte eingerichtet");
    expect(done[0]!.text).not.toContain("Ihr Wohnort");
    expect(done[0]!.text).not.toContain("npm run admin");
    expect(done[1]!.text).toContain("Hauptmenü");
  });

  it("tells an admin how to add the villages", async () => {
    const olaf: Person = { channel: "console", userId: "olaf", localeHint: "en_GB.UTF-8" };
    await grant(h, "console:olaf", "admin");
    await h.send(olaf, "hello", NO_BUTTONS);
    await h.send(olaf, "2", NO_BUTTONS); // English
    const done = await h.send(olaf, "1", NO_BUTTONS); // accept
    expect(done[0]!.text).toContain("No villages are set up yet");
    expect(done[0]!.text).toContain("npm run admin -- area add SLUG NAME");
  });
});

describe("staff before onboarding", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    h = await createCoreHarness({
      features: ({ access, stores, translator, clock }) =>
        assembleFeatures({ access, stores, translator, clock, logger: silentLogger, organiser: "Samtgemeinde" }).features,
    });
  });
  afterAll(async () => h.dispose());

  it("/whoami shows the sender's identity and how to grant a role, before onboarding and in groups", async () => {
    const tg: Person = { channel: "telegram", userId: "4711", localeHint: "de" };
    const shown = await h.send(tg, "/whoami");
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text).toContain("Ihre Kennung: telegram:4711");
    expect(shown[0]!.text).toContain("Sie haben keine Rolle");
    expect(shown[0]!.text).toContain("npm run admin -- role grant telegram:4711 moderator");

    const mx: Person = { channel: "matrix", userId: "@anna:example.org", chatId: "!room:example.org", chatKind: "group", localeHint: "en" };
    const inGroup = await h.send(mx, "/whoami");
    expect(inGroup[0]!.text).toContain("Your identity: matrix:@anna:example.org");

    await grant(h, "console:anna", "moderator", "area:hammah");
    const terminal = await h.send({ channel: "console", userId: "anna", localeHint: "en" }, "/whoami", NO_BUTTONS);
    expect(terminal[0]!.text).toContain("Your identity: console:anna");
    expect(terminal[0]!.text).toContain("Your roles: moderator (area:hammah)");
  });

  it("runs an admin's staff commands and their pages right after the grant, without onboarding", async () => {
    const admin: Person = { channel: "telegram", userId: "4712", localeHint: "en" };
    await grant(h, "telegram:4712", "admin");
    const surveys = await h.send(admin, "/surveys");
    expect(surveys[0]!.text).not.toContain("Welcome to mitreden");
    expect(surveys[0]!.text).toContain("No surveys yet");
    const broadcasts = await h.send(admin, "/broadcasts");
    expect(broadcasts[0]!.text).toContain("Nothing has been published yet");
    const queue = await h.send(admin, "/queue");
    expect(queue[0]!.text).toContain("The queue is empty");
    // A page of a staff list is an action of a staff feature: it runs too.
    const page = await h.press(admin, "broadcasts:p:1");
    expect(page[0]!.text).toContain("Nothing has been published yet");
  });

  it("keeps a staff member's own resident actions and everyone else's staff commands behind consent", async () => {
    const admin: Person = { channel: "telegram", userId: "4713", localeHint: "en" };
    await grant(h, "telegram:4713", "admin");
    // Their own contributions (an idea) are resident data: onboarding first.
    const idea = await h.send(admin, "/idea");
    expect(idea.at(-1)!.text).toContain("Welcome to mitreden");
    const menu = await h.press(admin, "menu:open");
    expect(menu.at(-1)!.text).toContain("Welcome to mitreden");

    // A resident without a role gets the welcome for a staff command, as before.
    const resident: Person = { channel: "telegram", userId: "4714", localeHint: "en" };
    const refused = await h.send(resident, "/surveys");
    expect(refused.at(-1)!.text).toContain("Welcome to mitreden");
    const page = await h.press(resident, "broadcasts:p:1");
    expect(page.at(-1)!.text).toContain("Welcome to mitreden");
    const none = await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:4714" }, include: { resident: true } });
    expect(none.resident.onboardedAt).toBeNull();
  });
});

describe("the municipality's time zone", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    // Passed in as a dependency: a municipality elsewhere reads its own local time.
    h = await createCoreHarness({ timeZone: "America/New_York" });
  });
  afterAll(async () => h.dispose());

  it("shows the moment of consent in the configured zone, not in UTC or Berlin", async () => {
    const eve: Person = { channel: "telegram", userId: "2101", localeHint: "en" };
    await h.onboard(eve, { locale: "en" });
    const screen = await h.press(eve, "privacy:open");
    const text = screen.map((r) => r.text).join("\n");
    // The harness clock stands at 2026-11-27T09:00:00Z: 04:00 in New York, 10:00 in Berlin.
    expect(text).toMatch(/on Nov 27, 2026, 4:00\sAM\./);
    expect(text).not.toContain("2026-11-27");
  });
});
