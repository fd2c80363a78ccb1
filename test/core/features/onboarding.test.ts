import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreHarness, NO_BUTTONS, type CoreHarness, type Person } from "../../support/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await createCoreHarness();
});
afterAll(async () => h.dispose());

describe("onboarding", () => {
  it("asks for language, home village and consent, then shows the main menu", async () => {
    const anna: Person = { channel: "telegram", userId: "1001", localeHint: "de-DE" };
    const welcome = await h.send(anna, "/start");
    expect(welcome[0]!.text).toContain("Willkommen bei mitreden");
    expect(welcome[0]!.choices.map((c) => c.label)).toEqual(["Deutsch", "English"]);

    const area = await h.press(anna, "onboarding:lang:de");
    expect(area[0]!.text).toContain("In welchem Ort wohnen Sie?");
    const labels = area[0]!.choices.map((c) => c.label);
    expect(labels).toHaveLength(11);
    expect(labels).toContain("Großenwörden");
    expect(labels.at(-1)).toBe("Samtgemeinde Oldendorf-Himmelpforten");

    const hammah = area[0]!.choices.find((c) => c.label === "Hammah")!;
    const privacy = await h.press(anna, hammah.action);
    expect(privacy[0]!.text).toContain("Datenschutz");
    expect(privacy[0]!.text).toContain("datenschutz@example.org");

    const done = await h.press(anna, "onboarding:accept");
    expect(done[0]!.text).toContain("Hammah");
    expect(done[1]!.text).toContain("Hauptmenü");
    expect(done[1]!.choices.map((c) => c.label)).toEqual([
      "Umfragen",
      "Ideen",
      "Initiativen",
      "Ergebnisse",
      "Einstellungen",
      "Hilfe",
    ]);
    const resident = await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:1001" }, include: { resident: true } });
    expect(resident.resident.onboardedAt).not.toBeNull();
    expect(resident.resident.locale).toBe("de");
  });

  it("works with numbered replies on a channel without buttons, in English", async () => {
    const ben: Person = { channel: "console", userId: "ben", localeHint: "en_GB.UTF-8" };
    const welcome = await h.send(ben, "hello", NO_BUTTONS);
    expect(welcome.at(-1)!.text).toContain("Welcome to mitreden");
    const area = await h.send(ben, "2", NO_BUTTONS);
    expect(area[0]!.text).toContain("Which village");
    const estorfIndex = area[0]!.choices.findIndex((c) => c.label === "Estorf");
    const privacy = await h.send(ben, String(estorfIndex + 1), NO_BUTTONS);
    expect(privacy[0]!.text).toContain("Privacy");
    const wrong = await h.send(ben, "7", NO_BUTTONS);
    expect(wrong[0]!.text).toBe("Please answer with a number from 1 to 2.");
    const done = await h.send(ben, "1", NO_BUTTONS);
    expect(done[0]!.text).toContain("Estorf");
    expect(done[1]!.text).toContain("Main menu");
  });

  it("continues where the resident stopped, also after a restart", async () => {
    const carla: Person = { channel: "matrix", userId: "@carla:example.org" };
    await h.send(carla, "/start");
    await h.press(carla, "onboarding:lang:en");
    h.restart();
    const resumed = await h.send(carla, "/start");
    expect(resumed[0]!.text).toContain("Which village");
  });

  it("keeps a declined resident out until they agree", async () => {
    const dora: Person = { channel: "telegram", userId: "1004" };
    await h.send(dora, "/start");
    const area = await h.press(dora, "onboarding:lang:de");
    await h.press(dora, area[0]!.choices[0]!.action);
    const declined = await h.press(dora, "onboarding:decline");
    expect(declined[0]!.text).toContain("ohne Ihr Einverständnis");
    const menu = await h.press(dora, "menu:open");
    expect(menu[0]!.text).toContain("Datenschutz");
    const identity = await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:1004" }, include: { resident: true } });
    expect(identity.resident.onboardedAt).toBeNull();
  });

  it("rejects a forged area choice and asks again", async () => {
    const emil: Person = { channel: "telegram", userId: "1005" };
    await h.send(emil, "/start");
    await h.press(emil, "onboarding:lang:de");
    const replies = await h.press(emil, "onboarding:area:999999");
    expect(replies[0]!.text).toContain("nicht mehr gültig");
    expect(replies[1]!.text).toContain("In welchem Ort");
  });

  it("opens a deep link once onboarding is done", async () => {
    const finn: Person = { channel: "telegram", userId: "1006" };
    const first = await h.send(finn, "/start unknown_12");
    expect(first[0]!.text).toContain("Willkommen");
    const area = await h.press(finn, "onboarding:lang:de");
    await h.press(finn, area[0]!.choices[0]!.action);
    const done = await h.press(finn, "onboarding:accept");
    expect(done.map((r) => r.text).join("\n")).toContain("Dieser Link ist nicht (mehr) gültig.");
  });
});
