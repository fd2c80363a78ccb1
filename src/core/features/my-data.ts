import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import { RESIDENT_DATA_KINDS, type ResidentDataCounts, type ResidentDataExport } from "../ports/resident-data.js";
import type { AreaStore } from "../ports/stores.js";
import { actorOf } from "./ideas/access.js";
import type { AuditStore } from "./ideas/idea-ports.js";
import type { TranslationValues } from "../ports/translator.js";
import { dayStamp, formatMoment } from "../render/format-date.js";

export const MY_DATA_FEATURE = "mydata";
/** The action behind "My data" in Settings → Privacy and behind /mydata. */
export const MY_DATA_ACTION = `${MY_DATA_FEATURE}:send`;

export interface MyDataDeps {
  readonly exports: ResidentDataExport;
  readonly areas: AreaStore;
  /** The municipality's time zone, for the date in the file name and the summary. */
  readonly timeZone: string;
  /** Where each copy handed out is recorded (a data protection request, Art. 15 and 20). */
  readonly audit: Pick<AuditStore, "record">;
}

/** The export's file name: "mydata-2026-11-27.json". */
export function myDataFileName(date: Date, timeZone: string): string {
  return `mydata-${dayStamp(date, timeZone)}.json`;
}

/**
 * One line per kind of datum the export holds ("2 messenger accounts", "1 idea"), in the reader's
 * language; kinds with nothing stored are left out. Shared with the admin CLI's `resident show`.
 *
 * @example
 * dataSummaryLines((key, values) => translator.t("en", key, values), counts); // ["2 messenger accounts", "1 idea"]
 */
export function dataSummaryLines(t: (key: string, values?: TranslationValues) => string, counts: ResidentDataCounts): string[] {
  return RESIDENT_DATA_KINDS.filter((kind) => counts[kind] > 0).map((kind) => t(`mydata:count-${kind}`, { count: counts[kind] }));
}

/**
 * `/mydata` and the "My data" button: everything stored about the resident as a JSON file (shape
 * in docs/data-export.md) with a short readable summary. Only in the private chat, where nobody
 * else reads along; where a channel cannot take files, the summary says how to get the file.
 * It works before onboarding is finished too: whoever wrote to the bot has data stored and the
 * right to see it (Art. 15), whether or not they agreed to anything.
 */
export function createMyDataFeature(deps: MyDataDeps): Feature {
  const { timeZone } = deps;

  async function send(turn: Turn): Promise<void> {
    if (turn.event.chat.kind !== "private") {
      turn.say("common:private-only");
      return;
    }
    const data = await deps.exports.exportResident(turn.resident.id);
    // The turn's resident was just resolved inside this unit of work; missing is a bug.
    if (!data) throw new Error(`resident ${turn.resident.id} has no data to export`);
    await deps.audit.record(actorOf(turn), "resident.mydata", "resident", turn.resident.id, null);
    const area = turn.resident.homeAreaId === null ? undefined : await deps.areas.get(turn.resident.homeAreaId);
    const fileName = myDataFileName(data.createdAt, timeZone);
    const when = formatMoment(data.createdAt, turn.locale, timeZone);
    const lines = dataSummaryLines(turn.t, data.counts).map((line) => `• ${line}`);
    const html = [
      turn.t("mydata:summary-title", { when }),
      turn.t("mydata:summary-profile", {
        language: turn.resident.locale ? turn.t(`common:language-name-${turn.resident.locale}`) : turn.t("mydata:not-chosen"),
        area: area?.name ?? turn.t("mydata:not-chosen"),
      }),
      `${turn.t("mydata:summary-stored")}\n${lines.join("\n")}`,
      turn.t("mydata:summary-anonymous"),
      turn.t(turn.capabilities.files ? "mydata:summary-file" : "mydata:summary-no-file", { file: fileName }),
    ].join("\n\n");
    const back = [[{ label: turn.label("menu:back"), action: "menu:open" }]];
    if (!turn.capabilities.files) {
      turn.reply({ html, choices: back });
      return;
    }
    turn.reply({ html, file: { bytes: new TextEncoder().encode(data.json), fileName, mimeType: "application/json" }, choices: back });
  }

  return {
    id: MY_DATA_FEATURE,
    commands: [{ name: "mydata", scope: "private", descriptionKey: "mydata:command", beforeOnboarding: true, run: (turn) => send(turn) }],
    actionsBeforeOnboarding: true,
    async handleAction(turn, verb) {
      if (verb === "send") return send(turn);
      turn.say("common:stale-action");
    },
  };
}
