import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_CAPABILITIES, createConsoleChannel, type ConsoleChannel } from "../../../../src/channels/console/console-channel.js";
import type { Survey } from "../../../../src/core/model/survey.js";
import { parseConsoleOutput } from "../../../channels/console/console-harness.js";
import { onboardThroughCore } from "../../../e2e/hostile/onboard-through-core.js";
import { parseCsv, withoutBom } from "../../../support/parse-csv.js";
import { silentLogger } from "../../../support/silent-logger.js";
import { ALL_TYPES, createSurveyHarness, type SurveyHarness } from "./survey-harness.js";

describe("/survey_results in the terminal", () => {
  let sh: SurveyHarness;
  let survey: Survey;
  let folder: string;
  let channel: ConsoleChannel;
  let buffer = "";
  const input = new PassThrough();

  beforeAll(async () => {
    sh = await createSurveyHarness();
    folder = await mkdtemp(join(tmpdir(), "mitreden-survey-files-"));
    await sh.grantAdmin("console:olaf");
    await onboardThroughCore(sh.h.core, CONSOLE_CAPABILITIES, { channel: "console", chat: { id: "olaf", kind: "private" }, senderId: "console:olaf" }, "en");
    survey = await sh.addOpenSurvey({ questions: ALL_TYPES });
    const resident = await sh.h.db.prisma.resident.create({ data: {} });
    await sh.h.access.run(() =>
      sh.store.submit(survey, resident.id, { "0": { picks: [1] }, "1": { picks: [0, 2] }, "2": { value: 4 }, "3": { value: 1 }, "4": { text: "Mehr Bänke" } }, false, new Date()),
    );
    const output = new PassThrough();
    output.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
    channel = createConsoleChannel({ core: sh.h.core, translator: sh.h.translator, logger: silentLogger, input, output, userId: "console:olaf", filesDir: join(folder, "exports") });
    await channel.start();
  });
  afterAll(async () => {
    await channel?.stop();
    await sh?.h.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("writes the charts and numbers into the exports folder and says where", async () => {
    await channel.idle();
    buffer = "";
    input.write(`/survey_results ${survey.id}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    await channel.idle();
    const text = parseConsoleOutput(buffer).map((r) => r.text).join("\n");
    expect(text).toContain("Test survey (open)");
    expect(text).toMatch(/The charts and numbers as 13 files/);
    const paths = [...text.matchAll(/File saved: (\S+)/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(13);
    for (const path of paths) expect(path.startsWith(join(folder, "exports"))).toBe(true);
    const names = paths.map((p) => p.split("/").at(-1));
    expect(names).toContain(`survey-${survey.id}-q1.png`);
    expect(names).toContain(`survey-${survey.id}-q1.svg`);
    expect(names).toContain(`survey-${survey.id}-q4.csv`);
    expect(names.at(-1)).toBe(`survey-${survey.id}-results.md`);
    const png = await readFile(paths.find((p) => p.endsWith("q1.png"))!);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const csv = parseCsv(withoutBom(await readFile(paths.find((p) => p.endsWith("q1.csv"))!)), ";");
    expect(csv[2]).toEqual(["Doctor", "1", "100"]);
    const md = await readFile(paths.at(-1)!, "utf8");
    expect(md).toContain("## 3. How satisfied?");
  });
});
