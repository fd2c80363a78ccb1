import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BUTTONS, type CoreHarness, type Person } from "../../support/core-harness.js";
import { createIdeasFixture, type IdeasFixture } from "./ideas/ideas-fixture.js";

let f: IdeasFixture;
let h: CoreHarness;
let nextCode = 0;
beforeAll(async () => {
  // The ideas features too, so that roles have something to act on (/queue).
  f = await createIdeasFixture({}, { generateLinkCode: () => `CODE${++nextCode}XYZ` });
  h = f.h;
});
afterAll(async () => f.dispose());

const residentOf = async (identity: string) =>
  (await h.db.prisma.identity.findUniqueOrThrow({ where: { id: identity } })).residentId;
const codeFrom = (text: string) => /\/link (\S+)/.exec(text)![1]!;
const QUEUE_DENIED = "Das dürfen Sie (hier) nicht.";

describe("/link", () => {
  it("shows whom it joins and which roles each side gains, and joins only once confirmed", async () => {
    const onTelegram: Person = { channel: "telegram", userId: "3001", name: "Anna Müller" };
    const onMatrix: Person = { channel: "matrix", userId: "@anna:example.org", name: "Anna" };
    await h.onboard(onTelegram, { areaName: "Burweg" });
    await f.grant(onTelegram, "moderator", "area:hammah");
    const code = codeFrom((await h.send(onTelegram, "/link"))[0]!.text);

    await h.send(onMatrix, "/start");
    const asked = await h.send(onMatrix, `!link ${code.toLowerCase()}`, NO_BUTTONS);
    expect(asked).toHaveLength(1);
    const question = asked[0]!.text;
    expect(question).toContain("Dieses Konto: Matrix „Anna“");
    expect(question).toContain("Wird verbunden mit: Telegram „Anna Müller“");
    expect(question).toContain("Rechte, die dann auch hier gelten: Moderation (Hammah)");
    expect(question).toContain("Rechte, die dann auch dort gelten: keine");
    expect(asked[0]!.choices.map((c) => c.action)).toEqual(["link:confirm", "link:cancel"]);
    // Not joined yet: the Telegram moderator role does not act on the Matrix account.
    expect(await residentOf("matrix:@anna:example.org")).not.toBe(await residentOf("telegram:3001"));

    // "1" picks Confirm in a numbered list, although the Matrix account is not onboarded.
    const linked = await h.send(onMatrix, "1", NO_BUTTONS);
    expect(linked[0]!.text).toContain("Verknüpft");
    expect(linked[1]!.text).toContain("Hauptmenü");
    expect(await residentOf("matrix:@anna:example.org")).toBe(await residentOf("telegram:3001"));
    expect((await h.send(onMatrix, "!queue", NO_BUTTONS))[0]!.text).not.toBe(QUEUE_DENIED);

    const again = await h.send(onMatrix, `!link ${code}`);
    expect(again[0]!.text).toContain("kenne ich nicht");
  });

  it("a moderator typing a resident's code sees the powers it would hand over; cancelling changes nothing", async () => {
    const resident: Person = { channel: "telegram", userId: "3101", name: "Rita" };
    const moderator: Person = { channel: "matrix", userId: "@mod:example.org", name: "Moritz" };
    await h.onboard(resident);
    await h.onboard(moderator);
    await f.grant(moderator, "moderator");
    const before = { resident: await residentOf("telegram:3101"), moderator: await residentOf("matrix:@mod:example.org") };
    const code = codeFrom((await h.send(resident, "/link"))[0]!.text);

    const asked = await h.send(moderator, `!link ${code}`);
    expect(asked[0]!.text).toContain("Wird verbunden mit: Telegram „Rita“");
    expect(asked[0]!.text).toContain("Rechte, die dann auch dort gelten: Moderation (überall)");
    // While it waits for confirmation, the code is bound to this attempt: nobody else can use it.
    const intruder: Person = { channel: "telegram", userId: "3102" };
    await h.onboard(intruder);
    expect((await h.send(intruder, `/link ${code}`))[0]!.text).toContain("kenne ich nicht");
    // And the resident holds no moderator powers before anyone confirmed.
    expect((await h.send(resident, "/queue"))[0]!.text).toBe(QUEUE_DENIED);

    const cancelled = await h.press(moderator, "link:cancel");
    expect(cancelled[0]!.text).toContain("Abgebrochen");
    expect({ resident: await residentOf("telegram:3101"), moderator: await residentOf("matrix:@mod:example.org") }).toEqual(before);
    expect((await h.send(resident, "/queue"))[0]!.text).toBe(QUEUE_DENIED);
    expect(await h.db.prisma.auditLog.count({ where: { action: "resident.link", actorIdentity: "matrix:@mod:example.org" } })).toBe(0);
    // A late press of the old Confirm button after cancelling does not link either.
    expect((await h.press(moderator, "link:confirm"))[0]!.text).toBe(h.translator.t("de", "common:stale-action"));
    expect(await residentOf("matrix:@mod:example.org")).toBe(before.moderator);
  });

  it("refuses an expired code and a code of one's own", async () => {
    const a: Person = { channel: "telegram", userId: "3002" };
    const b: Person = { channel: "matrix", userId: "@bert:example.org" };
    await h.onboard(a);
    const code = codeFrom((await h.send(a, "/link"))[0]!.text);
    const own = await h.send(a, `/link ${code}`);
    expect(own[0]!.text).toContain("gehört bereits zu Ihnen");
    h.clock.advance(16 * 60_000);
    await h.onboard(b);
    const expired = await h.send(b, `!link ${code}`);
    expect(expired[0]!.text).toContain("abgelaufen");
    expect(await residentOf("matrix:@bert:example.org")).not.toBe(await residentOf("telegram:3002"));
  });

  it("allows five wrong codes per identity and hour, then refuses even the right one until the hour has passed", async () => {
    const owner: Person = { channel: "telegram", userId: "3201" };
    const guesser: Person = { channel: "matrix", userId: "@guess:example.org" };
    await h.onboard(owner);
    await h.onboard(guesser);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push((await h.send(guesser, `!link WRONG${i}XX`))[0]!.text);
      h.clock.advance(60_000);
    }
    expect(answers[0]).toContain("noch 4 Versuche");
    expect(answers[3]).toContain("noch 1 Versuch.");
    expect(answers[4]).toContain("kenne ich nicht");
    expect(answers[4]).toContain("Zu viele falsche Codes (5 in einer Stunde)");
    expect(answers[4]).toContain("in 56 Minuten");

    // The limit lives in the database: a restarted process keeps it.
    h.restart();
    const code = codeFrom((await h.send(owner, "/link"))[0]!.text);
    const locked = await h.send(guesser, `!link ${code}`);
    expect(locked).toHaveLength(1);
    expect(locked[0]!.text).toContain("Zu viele falsche Codes");
    expect(locked[0]!.text).toContain("in 55 Minuten");
    expect(locked[0]!.choices).toEqual([]);
    expect(await h.db.prisma.linkClaim.count({ where: { code } })).toBe(0);
    // Another identity is not affected by this one's guesses.
    const other: Person = { channel: "telegram", userId: "3202" };
    await h.onboard(other);
    expect((await h.send(other, "/link NOPE1234"))[0]!.text).toContain("noch 4 Versuche");

    h.clock.advance(55 * 60_000);
    const fresh = codeFrom((await h.send(owner, "/link"))[0]!.text);
    const asked = await h.send(guesser, `!link ${fresh}`);
    expect(asked[0]!.text).toContain("Bitte bestätigen Sie die Verknüpfung");
    await h.press(guesser, "link:cancel");
  });

  it("/unlink makes the messenger a resident of its own again; contributions stay, both steps are audited", async () => {
    const first: Person = { channel: "telegram", userId: "3301", name: "Ole" };
    const second: Person = { channel: "matrix", userId: "@ole:example.org", name: "Ole M." };
    await h.onboard(first, { locale: "en", areaName: "Estorf" });
    await h.send(second, "/start");
    const code = codeFrom((await h.send(first, "/link"))[0]!.text);
    await h.send(second, `!link ${code}`);
    await h.press(second, "link:confirm");
    const original = await residentOf("telegram:3301");
    expect(await residentOf("matrix:@ole:example.org")).toBe(original);
    const idea = await h.db.prisma.idea.create({ data: { title: "Bank", description: "Eine Bank am Teich.", category: "community", authorId: original } });

    // Settings offers to undo it only while there is a link.
    const settings = await h.press(second, "settings:open");
    expect(settings.at(-1)!.choices.map((c) => c.action)).toContain("link:unlink");
    const asked = await h.send(second, "!unlink");
    expect(asked[0]!.text).toContain("This account: Matrix “Ole M.”");
    expect(asked[0]!.text).toContain("Will be separated from: Telegram “Ole”");
    const done = await h.press(second, "link:unlinkok");
    expect(done[0]!.text).toContain("Separated");

    const own = await residentOf("matrix:@ole:example.org");
    expect(own).not.toBe(original);
    expect(await residentOf("telegram:3301")).toBe(original);
    const [kept, split] = await Promise.all([
      h.db.prisma.resident.findUniqueOrThrow({ where: { id: original } }),
      h.db.prisma.resident.findUniqueOrThrow({ where: { id: own } }),
    ]);
    expect({ locale: split.locale, area: split.homeAreaId, consent: split.privacyAcceptedAt, onboarded: split.onboardedAt }).toEqual({
      locale: kept.locale,
      area: kept.homeAreaId,
      consent: kept.privacyAcceptedAt,
      onboarded: kept.onboardedAt,
    });
    expect((await h.db.prisma.idea.findUniqueOrThrow({ where: { id: idea.id } })).authorId).toBe(original);
    // The Matrix chat talks to its own resident now, in the language it kept.
    expect((await h.press(second, "settings:open")).at(-1)!.choices.map((c) => c.action)).not.toContain("link:unlink");
    expect((await h.send(second, "!unlink"))[0]!.text).toContain("not linked with any other");

    const entries = await h.db.prisma.auditLog.findMany({ where: { actorIdentity: "matrix:@ole:example.org" }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.action, e.targetId])).toEqual([
      ["resident.link", String(original)],
      ["resident.unlink", String(original)],
    ]);
    // Shown to an admin in words, not as internal keys.
    const admin: Person = { channel: "telegram", userId: "3399" };
    await h.onboard(admin, { locale: "en" });
    await f.grant(admin, "admin");
    const audit = (await h.send(admin, "/audit 5"))[0]!.text;
    expect(audit).toContain(`messengers of resident ${original} linked`);
    expect(audit).toContain(`a messenger of resident ${original} separated`);
    expect(audit).not.toContain("resident.link");
  });
});
