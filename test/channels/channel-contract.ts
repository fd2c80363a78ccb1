import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelCapabilities } from "../../src/core/model/channel-capabilities.js";

/** One message as a resident would see it: its plain text and the labels of the offered choices. */
export interface ContractReply {
  readonly text: string;
  readonly choices: readonly string[];
}

/**
 * What a channel test harness offers the contract suite. Each channel drives its real transport
 * (stdin/stdout, a Bot API server, a homeserver) behind these few calls.
 */
export interface ContractHarness {
  readonly capabilities: ChannelCapabilities;
  /** The resident sends text in a private chat; resolves with the bot's replies. */
  sendText(text: string): Promise<ContractReply[]>;
  /** The resident picks the n-th (1-based) choice of the latest reply: a button press or typing "n". */
  choose(index: number): Promise<ContractReply[]>;
  /** Delivers the last inbound event again, as a platform retry would; resolves with any replies. */
  redeliverLast?(): Promise<ContractReply[]>;
  dispose(): Promise<void>;
}

const last = (replies: readonly ContractReply[]) => {
  const reply = replies.at(-1);
  if (!reply) throw new Error("expected a reply, got none");
  return reply;
};

/** The behaviour every channel must show; run it once per channel. */
export function runChannelContract(name: string, create: () => Promise<ContractHarness>): void {
  describe(`channel contract: ${name}`, () => {
    let h: ContractHarness;
    beforeAll(async () => {
      h = await create();
    });
    afterAll(async () => h?.dispose());

    it("greets with a choice of language", async () => {
      const replies = await h.sendText("/start");
      expect(last(replies).text).toContain("mitreden");
      expect(last(replies).choices).toEqual(["Deutsch", "English"]);
    });

    it("lets the resident pick the second choice", async () => {
      const replies = await h.choose(2);
      expect(last(replies).text).toContain("Which village do you live in?");
      expect(last(replies).choices).toContain("Düdenbüttel");
    });

    it("finishes onboarding and shows the main menu", async () => {
      const areas = await h.sendText("/start");
      const index = last(areas).choices.indexOf("Himmelpforten") + 1;
      expect(index).toBeGreaterThan(0);
      const privacy = await h.choose(index);
      expect(last(privacy).text).toContain("Privacy");
      const menu = await h.choose(1);
      expect(menu.map((r) => r.text).join("\n")).toContain("Himmelpforten");
      expect(last(menu).choices).toEqual(["Surveys", "Ideas", "Initiatives", "Results", "Settings", "Help"]);
    });

    it("answers an out-of-range number clearly and keeps the choices", async () => {
      const replies = await h.sendText("9");
      expect(last(replies).text).toBe("Please answer with a number from 1 to 6.");
      const settings = await h.choose(5);
      expect(last(settings).text).toContain("Settings");
    });

    it("changes the language through the settings", async () => {
      const languages = await h.choose(1);
      expect(last(languages).choices).toEqual(["Deutsch", "English"]);
      const changed = await h.choose(1);
      expect(changed[0]!.text).toBe("Die Sprache ist jetzt Deutsch.");
    });

    it("shows resident text safely", async () => {
      const replies = await h.sendText("<b>hallo</b> & tschüss");
      expect(replies[0]!.text).toContain("nicht verstanden");
      expect(replies.map((r) => r.text).join("")).not.toContain("<b>");
    });

    it("lists commands in the help", async () => {
      const replies = await h.sendText("/help");
      expect(replies[0]!.text).toMatch(/[/!]settings/);
      expect(replies[0]!.text).toMatch(/[/!]link/);
    });

    it("handles a redelivered event only once", async () => {
      if (!h.redeliverLast) return;
      const replies = await h.redeliverLast();
      expect(replies).toEqual([]);
    });
  });
}
