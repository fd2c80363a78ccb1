import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Feature } from "../../../src/core/conversation/feature.js";
import { createTranslator } from "../../../src/i18n/translator.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import type { ContractHarness } from "../channel-contract.js";
import { createConsoleHarness } from "./console-harness.js";

/** A command that fails like a bug would: the channel's error boundary must answer it. */
const explodingFeature: Feature = {
  id: "explode",
  commands: [
    {
      name: "explode",
      scope: "any",
      descriptionKey: "help:command",
      async run() {
        throw new Error("a bug in a feature");
      },
    },
  ],
};

describe("terminal error boundary", () => {
  let h: ContractHarness;
  beforeAll(async () => {
    // The terminal's locale says German; the resident picks English.
    h = await createConsoleHarness({ extraFeatures: [explodingFeature] });
  });
  afterAll(async () => h?.dispose());

  it("apologises in the language the resident chose, not the terminal's", async () => {
    const translator = await createTranslator();
    await h.sendText("/start");
    const areas = await h.choose(2);
    await h.choose(areas.at(-1)!.choices.indexOf("Hammah") + 1);
    await h.choose(1);
    const replies = await h.sendText("/explode");
    expect(replies.map((r) => r.text)).toEqual([htmlToPlain(translator.t("en", "common:apology"))]);
    // And the terminal keeps working.
    expect((await h.sendText("/help"))[0]!.text).toContain("Help");
  });
});
