import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreHarness, type CoreHarness, type Person } from "../../support/core-harness.js";

let h: CoreHarness;
const anna: Person = { channel: "telegram", userId: "2001" };
beforeAll(async () => {
  h = await createCoreHarness();
  await h.onboard(anna);
});
afterAll(async () => h.dispose());

describe("settings", () => {
  it("shows language and home village", async () => {
    const replies = await h.send(anna, "/settings");
    expect(replies[0]!.text).toContain("Sprache: Deutsch");
    expect(replies[0]!.text).toContain("Wohnort: Hammah");
  });

  it("changes the language and answers in the new one", async () => {
    const choose = await h.press(anna, "settings:lang");
    expect(choose[0]!.choices.map((c) => c.action)).toEqual(["settings:lang:de", "settings:lang:en"]);
    const changed = await h.press(anna, "settings:lang:en");
    expect(changed[0]!.text).toBe("The language is now English.");
    expect(changed[1]!.text).toContain("Home village: Hammah");
  });

  it("changes the home village", async () => {
    const choose = await h.press(anna, "settings:area");
    const oldendorf = choose[0]!.choices.find((c) => c.label === "Oldendorf")!;
    const changed = await h.press(anna, oldendorf.action);
    expect(changed[0]!.text).toBe("Your home village is now Oldendorf.");
  });

  it("ignores an unknown language code", async () => {
    const replies = await h.press(anna, "settings:lang:xx");
    expect(replies[0]!.text).toContain("no longer valid");
    const identity = await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:2001" }, include: { resident: true } });
    expect(identity.resident.locale).toBe("en");
  });

  it("shows the privacy notice again", async () => {
    const replies = await h.press(anna, "settings:privacy");
    expect(replies[0]!.text).toContain("Privacy");
  });
});

describe("help and menu", () => {
  it("lists the resident's commands", async () => {
    const replies = await h.send(anna, "/help");
    expect(replies[0]!.text).toContain("/settings");
    expect(replies[0]!.text).toContain("/link");
  });

  it("answers honestly for capabilities this installation does not have yet", async () => {
    const replies = await h.press(anna, "upcoming:surveys");
    expect(replies[0]!.text).toContain("not available in this installation yet");
  });

  it("answers unknown text with the menu", async () => {
    const replies = await h.send(anna, "what is this?");
    expect(replies[0]!.text).toContain("did not understand");
    expect(replies[1]!.text).toContain("Main menu");
  });

  it("names an unknown command", async () => {
    const replies = await h.send(anna, "/frobnicate");
    expect(replies[0]!.text).toContain("frobnicate");
  });
});
