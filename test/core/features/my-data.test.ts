/**
 * /mydata and the "My data" action answer in the private chat with a readable summary and the
 * export as a JSON file, only where the channel takes files; the kept reply never holds the file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataSummaryLines, myDataFileName } from "../../../src/core/features/my-data.js";
import { EMPTY_RESIDENT_DATA_COUNTS } from "../../../src/core/ports/resident-data.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import { BUTTONS, createCoreHarness, NO_BUTTONS, type CoreHarness } from "../../support/core-harness.js";

describe("my data", () => {
  let h: CoreHarness;
  const anna = { channel: "telegram" as const, userId: "5101", name: "Anna Daten" };

  beforeAll(async () => {
    h = await createCoreHarness();
    await h.onboard(anna, { locale: "en" });
  });
  afterAll(async () => h?.dispose());

  it("answers /mydata with the summary and the whole export as mydata-<date>.json", async () => {
    const [reply] = await h.send(anna, "/mydata", BUTTONS);
    const file = reply!.message.file!;
    expect(file.fileName).toBe(`mydata-2026-11-27.json`);
    expect(file.mimeType).toBe("application/json");
    const data = JSON.parse(new TextDecoder().decode(file.bytes)) as { resident: { language: string; village: { name: string } }; identities: { displayName: string }[] };
    expect(data.resident).toMatchObject({ language: "en", village: { name: "Hammah" } });
    expect(data.identities[0]!.displayName).toBe("Anna Daten");
    expect(reply!.text).toContain("Your data");
    expect(reply!.text).toContain("Language: English · Village: Hammah");
    expect(reply!.text).toContain("1 messenger account");
    expect(reply!.text).toContain("Answers to anonymous surveys");
    expect(reply!.text).toContain("mydata-2026-11-27.json");

    const kept = await h.access.client().processedEvent.findMany({ where: { reply: { not: undefined } } });
    const keptText = JSON.stringify(kept.map((k) => k.reply));
    expect(keptText).toContain("mydata-2026-11-27.json");
    expect(keptText).not.toContain("identities");
    // Each copy handed out is recorded (a data protection request).
    const resident = await h.access.client().identity.findUniqueOrThrow({ where: { id: "telegram:5101" } });
    expect(await h.access.client().auditLog.findMany({ where: { action: "resident.mydata" }, select: { actorIdentity: true, targetId: true } })).toEqual([
      { actorIdentity: "telegram:5101", targetId: String(resident.residentId) },
    ]);
  });

  it("answers the Settings → Privacy action the same way", async () => {
    const [reply] = await h.press(anna, "mydata:send", BUTTONS);
    expect(reply!.message.file?.fileName).toBe("mydata-2026-11-27.json");
  });

  it("sends no file where the channel cannot take one, and says how to get it", async () => {
    const [reply] = await h.send(anna, "/mydata", NO_BUTTONS);
    expect(reply!.message.file).toBeUndefined();
    expect(reply!.text).toContain(htmlToPlain(h.translator.t("en", "mydata:summary-no-file", { file: "mydata-2026-11-27.json" })));
  });

  it("never answers in a group, where others read along", async () => {
    const inGroup = { ...anna, chatId: "-1005101", chatKind: "group" as const };
    const command = await h.send(inGroup, "/mydata", BUTTONS);
    expect(command.map((r) => r.message.file)).toEqual([undefined]);
    expect(command[0]!.text).toBe(htmlToPlain(h.translator.t("en", "common:private-only")));
    const action = await h.press(inGroup, "mydata:send", BUTTONS);
    expect(action.map((r) => r.message.file)).toEqual([undefined]);
  });

  it("answers someone who has not finished onboarding too: they have data and the right to see it", async () => {
    const newcomer = { channel: "telegram" as const, userId: "5102", name: "Neu Ling" };
    await h.send(newcomer, "/start", BUTTONS);
    const replies = await h.send(newcomer, "/mydata", BUTTONS);
    const file = replies.find((r) => r.message.file)?.message.file;
    const data = JSON.parse(new TextDecoder().decode(file!.bytes)) as { resident: { onboardedAt: string | null }; identities: { id: string }[] };
    expect(data.resident.onboardedAt).toBeNull();
    expect(data.identities.map((i) => i.id)).toEqual(["telegram:5102"]);
  });

  it("names the day in the municipality's time zone and counts with plurals", () => {
    // 23:30 UTC on 31 December is already New Year's Day in Berlin.
    expect(myDataFileName(new Date("2026-12-31T23:30:00Z"), "Europe/Berlin")).toBe("mydata-2027-01-01.json");
    const t: Parameters<typeof dataSummaryLines>[0] = (key, values) => h.translator.t("de", key, values);
    expect(dataSummaryLines(t, { ...EMPTY_RESIDENT_DATA_COUNTS, identities: 2, ideas: 1 })).toEqual(["2 Messenger-Konten", "1 Idee mit ihrem Verlauf"]);
  });
});
