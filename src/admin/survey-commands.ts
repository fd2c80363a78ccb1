import { localized, type DraftAnswer, type Survey, type SurveyQuestion } from "../core/model/survey.js";
import type { AreaStore, UnitOfWork } from "../core/ports/stores.js";
import type { ExportedResponse, SurveyStore } from "../core/ports/survey-store.js";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { resultsFiles, type ResultsFileContext } from "../core/features/surveys/results-files.js";
import { AdminError } from "./admin-error.js";
import { DEFAULT_CSV_DELIMITER, toCsv, type CsvDelimiter } from "../core/render/csv.js";
import { SurveyFileError, parseSurveyFile, readSurveyFile, toNewSurvey } from "./survey-file.js";

export { describeSurveyFileError, SurveyFileError } from "./survey-file.js";

/** What the survey admin commands need; the admin CLI builds them from the opened database. */
export interface SurveyCommandDeps {
  readonly surveys: SurveyStore;
  readonly areas: AreaStore;
  readonly unitOfWork: UnitOfWork;
}

/**
 * `npm run admin -- survey import FILE`: validates the whole file first and stores it as a draft
 * survey in one transaction, so a wrong file imports nothing. Throws SurveyFileError with one
 * translatable problem per mistake; describeSurveyFileError renders "FILE:LINE:COLUMN: path: problem".
 *
 * @example
 * const survey = await importSurveyFile("examples/surveys/dorfentwicklung-hammah.yaml", deps);
 */
export async function importSurveyFile(path: string, deps: SurveyCommandDeps): Promise<Survey> {
  const source = await readSurveyFile(path);
  const { parsed, locate } = parseSurveyFile(source, path);
  return deps.unitOfWork.run(async () => {
    let areaId: number | null = null;
    if (parsed.area !== undefined) {
      const area = await deps.areas.bySlug(parsed.area);
      if (!area) {
        const known = (await deps.areas.list()).map((a) => a.slug).join(", ");
        throw new SurveyFileError(path, [{ ...locate(["area"]), path: "area", messageKey: "admin:survey-file-area-unknown", values: { area: parsed.area, known } }]);
      }
      areaId = area.id;
    }
    const existing = await deps.surveys.byKey(parsed.key);
    if (existing) {
      throw new SurveyFileError(path, [{ ...locate(["key"]), path: "key", messageKey: "admin:survey-file-key-exists", values: { key: parsed.key, id: existing.id } }]);
    }
    return deps.surveys.create(toNewSurvey(parsed, areaId));
  });
}

export type ExportFormat = "csv" | "json";

/** One answer as words for the export (German labels: the council works in German). */
function answerText(question: SurveyQuestion, answer: DraftAnswer | undefined): string {
  if (!answer || answer.skipped) return "";
  const parts = (answer.picks ?? []).map((p) => localized(question.options.find((o) => o.position === p)?.label ?? {}, "de"));
  if (answer.other !== undefined) parts.push(`Sonstiges: ${answer.other}`);
  if (answer.value !== undefined) parts.push(question.type === "yesno" ? (answer.value === 1 ? "ja" : "nein") : String(answer.value));
  if (answer.text !== undefined) parts.push(answer.text);
  return parts.join("; ");
}

function responsesCsv(survey: Survey, responses: readonly ExportedResponse[], delimiter: CsvDelimiter): string {
  const named = !survey.anonymous;
  const header = ["response", "submitted_at", ...(named ? ["resident"] : []), ...survey.questions.map((q) => `${q.position + 1}. ${localized(q.text, "de")}`)];
  const rows = responses.map((r) => [
    r.id,
    r.submittedAt.toISOString(),
    ...(named ? [String(r.residentId ?? "")] : []),
    ...survey.questions.map((q) => answerText(q, r.answers[String(q.position)])),
  ]);
  return toCsv([header, ...rows], delimiter);
}

function toJsonExport(survey: Survey, responses: readonly ExportedResponse[]): string {
  return JSON.stringify(
    {
      survey: {
        id: survey.id,
        key: survey.key,
        title: survey.title,
        status: survey.status,
        anonymous: survey.anonymous,
        areaId: survey.areaId,
        opensAt: survey.opensAt,
        closesAt: survey.closesAt,
      },
      questions: survey.questions.map((q) => ({
        number: q.position + 1,
        type: q.type,
        text: q.text,
        ...(q.options.length > 0 ? { options: q.options.map((o) => o.label) } : {}),
        ...(q.type === "scale" ? { scaleMin: q.scaleMin, scaleMax: q.scaleMax } : {}),
      })),
      responses: responses.map((r) => ({
        id: r.id,
        submittedAt: r.submittedAt.toISOString(),
        // Anonymous surveys carry no identity at all, not even a null placeholder per response.
        ...(survey.anonymous ? {} : { residentId: r.residentId }),
        answers: Object.fromEntries(survey.questions.map((q) => [String(q.position + 1), answerText(q, r.answers[String(q.position)]) || null])),
      })),
    },
    null,
    2,
  );
}

/**
 * `npm run admin -- survey export ID --format csv|json [--delimiter ";"|","|tab]`: the responses for
 * the council's analysis (CSV with byte-order mark, see csv.ts).
 * Anonymous surveys are exported without any identity. Returns the file content; throws for an
 * unknown survey (AdminError).
 */
export async function exportSurvey(
  id: number,
  format: ExportFormat,
  deps: Pick<SurveyCommandDeps, "surveys" | "unitOfWork">,
  options: { readonly delimiter?: CsvDelimiter } = {},
): Promise<string> {
  return deps.unitOfWork.run(async () => {
    const survey = await deps.surveys.get(id);
    if (!survey) throw new AdminError("admin:survey-unknown", { id });
    const responses = await deps.surveys.exportResponses(survey);
    return format === "csv" ? responsesCsv(survey, responses, options.delimiter ?? DEFAULT_CSV_DELIMITER) : toJsonExport(survey, responses);
  });
}

/**
 * `npm run admin -- survey results ID --out DIR`: writes the result files (resultsFiles: per
 * question the chart as PNG and SVG and the numbers as CSV, and one Markdown file) into `dir`,
 * created if missing, and returns their paths. Files of the same name are replaced: the command
 * is run again to refresh them. Throws AdminError for an unknown survey.
 *
 * @example
 * const paths = await writeSurveyResults(3, "./ergebnisse", { ...deps, locale: "de", t, charts });
 */
export async function writeSurveyResults(
  id: number,
  dir: string,
  deps: Pick<SurveyCommandDeps, "surveys" | "unitOfWork"> & ResultsFileContext,
): Promise<string[]> {
  const files = await deps.unitOfWork.run(async () => {
    const survey = await deps.surveys.get(id);
    if (!survey) throw new AdminError("admin:survey-unknown", { id });
    return resultsFiles(deps, survey, await deps.surveys.results(survey));
  });
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(dir, file.fileName);
    await writeFile(path, file.bytes);
    paths.push(path);
  }
  return paths;
}
