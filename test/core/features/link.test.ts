import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreHarness, type CoreHarness, type Person } from "../../support/core-harness.js";

let h: CoreHarness;
let nextCode = 0;
beforeAll(async () => {
  h = await createCoreHarness({ generateLinkCode: () => `CODE${++nextCode}XYZ` });
});
afterAll(async () => h.dispose());

const residentOf = async (identity: string) =>
  (await h.db.prisma.identity.findUniqueOrThrow({ where: { id: identity } })).residentId;

describe("/link", () => {
  it("joins a Matrix identity to the Telegram resident with a one-time code", async () => {
    const onTelegram: Person = { channel: "telegram", userId: "3001" };
    const onMatrix: Person = { channel: "matrix", userId: "@anna:example.org" };
    await h.onboard(onTelegram, { areaName: "Burweg" });
    const issued = await h.send(onTelegram, "/link");
    const code = /\/link (\S+)/.exec(issued[0]!.text)![1]!;

    await h.send(onMatrix, "/start");
    const linked = await h.send(onMatrix, `!link ${code.toLowerCase()}`);
    expect(linked[0]!.text).toContain("Verknüpft");
    expect(linked[1]!.text).toContain("Hauptmenü");
    expect(await residentOf("matrix:@anna:example.org")).toBe(await residentOf("telegram:3001"));

    const again = await h.send(onMatrix, `!link ${code}`);
    expect(again[0]!.text).toContain("kenne ich nicht");
  });

  it("refuses an expired code and a code of one's own", async () => {
    const a: Person = { channel: "telegram", userId: "3002" };
    const b: Person = { channel: "matrix", userId: "@bert:example.org" };
    await h.onboard(a);
    const issued = await h.send(a, "/link");
    const code = /\/link (\S+)/.exec(issued[0]!.text)![1]!;
    const own = await h.send(a, `/link ${code}`);
    expect(own[0]!.text).toContain("gehört bereits zu Ihnen");
    h.clock.advance(16 * 60_000);
    await h.onboard(b);
    const expired = await h.send(b, `!link ${code}`);
    expect(expired[0]!.text).toContain("abgelaufen");
    expect(await residentOf("matrix:@bert:example.org")).not.toBe(await residentOf("telegram:3002"));
  });
});
