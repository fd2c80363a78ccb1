import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BUTTONS } from "../../../support/core-harness.js";
import { ALL_TYPES, choiceAction, createSurveyHarness, type Person, type SurveyHarness } from "./survey-harness.js";

let sh: SurveyHarness;
const admin: Person = { channel: "telegram", userId: "8100" };
const otherAdmin: Person = { channel: "telegram", userId: "8101" };
const DAY = 86_400_000;

beforeAll(async () => {
  sh = await createSurveyHarness();
  await sh.grantAdmin("telegram:8100");
  await sh.grantAdmin("telegram:8101");
  await sh.h.onboard(admin, { locale: "en" });
  await sh.h.onboard(otherAdmin, { locale: "en" });
});
afterAll(async () => sh.h.dispose());

const statusOf = async (id: number) => (await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id } })).status;

async function draft(opensInMs: number | null) {
  const now = sh.h.clock.now();
  return sh.h.access.run(() =>
    sh.store.create({
      key: `confirm-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
      title: { de: "Frühe Umfrage", en: "Early survey" },
      intro: { de: "Intro", en: "Intro" },
      areaId: null,
      opensAt: opensInMs === null ? null : new Date(now.getTime() + opensInMs),
      closesAt: new Date(now.getTime() + 60 * DAY),
      anonymous: true,
      allowChange: false,
      liveResults: false,
      questions: ALL_TYPES.slice(0, 1),
    }),
  );
}

describe("/survey_publish on an open survey", () => {
  it("asks first, naming the survey, with cancel as choice 1; a numbered 1 cancels and nothing changes", async () => {
    const survey = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    const asked = await sh.h.send(admin, `/survey_publish ${survey.id}`, NO_BUTTONS);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.text).toContain(`Survey ${survey.id} “Test survey” is still open`);
    expect(asked[0]!.text).toContain("Close it now and publish the results?");
    expect(asked[0]!.choices.map((c) => c.label)).toEqual(["Cancel, change nothing", `Close survey ${survey.id} now and publish`]);
    expect(await statusOf(survey.id)).toBe("open");

    const cancelled = await sh.h.send(admin, "1", NO_BUTTONS);
    expect(cancelled[0]!.text).toContain(`Cancelled. Survey ${survey.id} stays as it was.`);
    expect(await statusOf(survey.id)).toBe("open");
    // The question is gone: its confirming action no longer acts.
    const late = await sh.h.press(admin, `surveys:apub:${survey.id}`);
    expect(late[0]!.text).toContain("nothing was changed");
    expect(await statusOf(survey.id)).toBe("open");
  });

  it("does not take a typed yes for a confirmation", async () => {
    const survey = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    await sh.h.send(admin, `/survey_publish ${survey.id}`, NO_BUTTONS);
    for (const typed of ["yes", "ja", "3"]) {
      const r = await sh.h.send(admin, typed, NO_BUTTONS);
      expect(r.at(-1)!.text).not.toContain("are published");
      expect(await statusOf(survey.id)).toBe("open");
    }
  });

  it("closes and publishes only on the confirming choice, and records when", async () => {
    const survey = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    await sh.h.send(admin, `/survey_publish ${survey.id}`, NO_BUTTONS);
    const done = await sh.h.send(admin, "2", NO_BUTTONS);
    expect(done[0]!.text).toContain(`The results of survey ${survey.id} “Test survey” are published`);
    const row = await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } });
    expect(row.status).toBe("published");
    expect(row.publishedAt?.toISOString()).toBe(sh.h.clock.now().toISOString());
  });

  it("lets the question expire, and never confirms for another survey or another admin", async () => {
    const survey = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    const other = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    const asked = await sh.h.send(admin, `/survey_publish ${survey.id}`);
    // A confirmation for a survey that was not asked about acts on nothing.
    expect((await sh.h.press(admin, `surveys:apub:${other.id}`))[0]!.text).toContain("nothing was changed");
    expect(await statusOf(other.id)).toBe("open");
    // Another admin in another chat has no open question.
    await sh.h.press(otherAdmin, choiceAction(asked, "now and publish"));
    expect(await statusOf(survey.id)).toBe("open");

    await sh.h.send(admin, `/survey_publish ${survey.id}`);
    sh.h.clock.advance(11 * 60_000);
    const expired = await sh.h.press(admin, `surveys:apub:${survey.id}`);
    expect(expired[0]!.text).toContain(`Send /survey_publish ${survey.id} again`);
    expect(await statusOf(survey.id)).toBe("open");
  });

  it("in a group, belongs to the admin who asked: another member's reply neither confirms nor ends it", async () => {
    const survey = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    const inGroup = (p: Person): Person => ({ ...p, chatId: "-100777", chatKind: "group" });
    const asked = await sh.h.send(inGroup(admin), `/survey_publish ${survey.id}`);
    const confirm = choiceAction(asked, "now and publish");
    expect((await sh.h.press(inGroup(otherAdmin), confirm))[0]!.text).toContain("nothing was changed");
    await sh.h.press(inGroup(otherAdmin), `surveys:acancel:${survey.id}`);
    expect(await statusOf(survey.id)).toBe("open");
    expect((await sh.h.press(inGroup(admin), confirm))[0]!.text).toContain("are published");
    expect(await statusOf(survey.id)).toBe("published");
  });

  it("publishes a closed survey at once", async () => {
    const survey = await sh.addOpenSurvey({ questions: ALL_TYPES.slice(0, 1) });
    await sh.h.send(admin, `/survey_close ${survey.id}`);
    const r = await sh.h.send(admin, `/survey_publish ${survey.id}`);
    expect(r[0]!.text).toContain("are published");
    expect(await statusOf(survey.id)).toBe("published");
  });
});

describe("/survey_open before the planned date", () => {
  it("asks, and on confirmation opens now and keeps the planned date on record", async () => {
    const survey = await draft(3 * DAY);
    const planned = survey.opensAt!;
    const asked = await sh.h.send(admin, `/survey_open ${survey.id}`, NO_BUTTONS);
    expect(asked[0]!.text).toContain(`Survey ${survey.id} “Early survey” is planned to open on`);
    expect(asked[0]!.choices.map((c) => c.label)).toEqual(["Cancel, change nothing", `Open survey ${survey.id} now`]);
    expect(await statusOf(survey.id)).toBe("draft");
    expect(sh.publisher.requests.filter((r) => r.origin === `survey:${survey.id}:opened`)).toHaveLength(0);

    const opened = await sh.h.send(admin, "2", NO_BUTTONS);
    expect(opened[0]!.text).toContain(`Survey ${survey.id} “Early survey” is open`);
    expect(opened[1]!.text).toContain("before its planned date");
    const row = await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } });
    expect(row.status).toBe("open");
    expect(row.opensAt?.toISOString()).toBe(sh.h.clock.now().toISOString());
    expect(row.plannedOpensAt?.toISOString()).toBe(planned.toISOString());
    expect(sh.publisher.requests.filter((r) => r.origin === `survey:${survey.id}:opened`)).toHaveLength(1);

    const overview = await sh.h.send(admin, "/surveys");
    expect(overview[0]!.text).toContain("opened early, planned for");
  });

  it("cancelling leaves the draft and its date untouched", async () => {
    const survey = await draft(2 * DAY);
    await sh.h.send(admin, `/survey_open ${survey.id}`, NO_BUTTONS);
    await sh.h.send(admin, "1", NO_BUTTONS);
    const row = await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } });
    expect(row.status).toBe("draft");
    expect(row.opensAt?.toISOString()).toBe(survey.opensAt!.toISOString());
    expect(row.plannedOpensAt).toBeNull();
  });

  it("opens a survey without a date at once, recording no planned date", async () => {
    const survey = await draft(null);
    const r = await sh.h.send(admin, `/survey_open ${survey.id}`);
    expect(r[0]!.text).toContain("is open");
    const row = await sh.h.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } });
    expect(row.status).toBe("open");
    expect(row.plannedOpensAt).toBeNull();
  });
});
