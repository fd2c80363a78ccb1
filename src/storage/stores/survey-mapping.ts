import { isLocale } from "../../core/model/locale.js";
import {
  QUESTION_TYPES,
  SURVEY_STATUSES,
  type DraftAnswer,
  type LocalizedText,
  type QuestionType,
  type Survey,
  type SurveyDraft,
  type SurveyStatus,
} from "../../core/model/survey.js";
import type { Prisma } from "../generated/prisma/client.js";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a {"de": …, "en": …} JSON value, dropping anything that is not a supported language. */
export function toLocalizedText(value: unknown): LocalizedText {
  if (!isRecord(value)) return {};
  const text: Partial<Record<string, string>> = {};
  for (const [key, entry] of Object.entries(value)) if (isLocale(key) && typeof entry === "string") text[key] = entry;
  return text;
}

export function toJson(text: LocalizedText): Prisma.InputJsonObject {
  return { ...text };
}

const asType = (value: string): QuestionType => {
  const found = QUESTION_TYPES.find((t) => t === value);
  if (!found) throw new Error(`unknown question type in database: ${value}`);
  return found;
};
const asStatus = (value: string): SurveyStatus => {
  const found = SURVEY_STATUSES.find((s) => s === value);
  if (!found) throw new Error(`unknown survey status in database: ${value}`);
  return found;
};

export const SURVEY_INCLUDE = {
  questions: { orderBy: { position: "asc" }, include: { options: { orderBy: { position: "asc" } } } },
} as const satisfies Prisma.SurveyInclude;

export type SurveyRow = Prisma.SurveyGetPayload<{ include: typeof SURVEY_INCLUDE }>;

export function toSurvey(row: SurveyRow): Survey {
  return {
    id: row.id,
    key: row.key,
    title: toLocalizedText(row.title),
    intro: toLocalizedText(row.intro),
    areaId: row.areaId,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    status: asStatus(row.status),
    anonymous: row.anonymous,
    allowChange: row.allowChange,
    liveResults: row.liveResults,
    plannedOpensAt: row.plannedOpensAt,
    publishedAt: row.publishedAt,
    questions: row.questions.map((q) => {
      const labels = isRecord(q.scaleLabels) ? q.scaleLabels : {};
      return {
        id: q.id,
        position: q.position,
        type: asType(q.type),
        text: toLocalizedText(q.text),
        required: q.required,
        minPicks: q.minPicks,
        maxPicks: q.maxPicks,
        scaleMin: q.scaleMin,
        scaleMax: q.scaleMax,
        scaleMinLabel: labels["min"] === undefined ? null : toLocalizedText(labels["min"]),
        scaleMaxLabel: labels["max"] === undefined ? null : toLocalizedText(labels["max"]),
        allowOther: q.allowOther,
        maxLength: q.maxLength,
        options: q.options.map((o) => ({ id: o.id, position: o.position, label: toLocalizedText(o.label) })),
      };
    }),
  };
}

function toDraftAnswer(value: unknown): DraftAnswer | undefined {
  if (!isRecord(value)) return undefined;
  const picks = Array.isArray(value["picks"]) ? value["picks"].filter((p): p is number => Number.isInteger(p)) : undefined;
  return {
    ...(picks ? { picks } : {}),
    ...(typeof value["other"] === "string" ? { other: value["other"] } : {}),
    ...(typeof value["value"] === "number" ? { value: value["value"] } : {}),
    ...(typeof value["text"] === "string" ? { text: value["text"] } : {}),
    ...(value["skipped"] === true ? { skipped: true } : {}),
  };
}

export function toDraftAnswers(value: unknown): Record<string, DraftAnswer> {
  const answers: Record<string, DraftAnswer> = {};
  if (!isRecord(value)) return answers;
  for (const [key, entry] of Object.entries(value)) {
    const answer = toDraftAnswer(entry);
    if (answer && /^\d+$/.test(key)) answers[key] = answer;
  }
  return answers;
}

export function toDraft(row: { position: number; answers: unknown; changing: boolean }): SurveyDraft {
  return { position: row.position, answers: toDraftAnswers(row.answers), changing: row.changing };
}

export function answersJson(answers: Readonly<Record<string, DraftAnswer>>): Prisma.InputJsonObject {
  const out: Record<string, Prisma.InputJsonObject> = {};
  for (const [key, answer] of Object.entries(answers)) {
    out[key] = {
      ...(answer.picks ? { picks: [...answer.picks] } : {}),
      ...(answer.other !== undefined ? { other: answer.other } : {}),
      ...(answer.value !== undefined ? { value: answer.value } : {}),
      ...(answer.text !== undefined ? { text: answer.text } : {}),
      ...(answer.skipped ? { skipped: true } : {}),
    };
  }
  return out;
}
