import { randomBytes, randomUUID } from "node:crypto";
import type { DraftAnswer, Survey, SurveyQuestion } from "../../core/model/survey.js";
import type { ExportedResponse, FreeTextAnswer, QuestionResult, SurveyStore } from "../../core/ports/survey-store.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Db, PrismaAccess } from "../prisma-access.js";
import { voterSecret, voterToken } from "../survey-voter-token.js";
import { SURVEY_INCLUDE, answersJson, toDraft, toJson, toSurvey, type SurveyRow } from "./survey-mapping.js";

export interface SurveyStoreOptions {
  /** SURVEY_TOKEN_SECRET; when unset a generated secret is kept in the KeyValue table. */
  readonly tokenSecret?: string;
  /** Surveys whose questions are kept in memory (default 256). */
  readonly questionCacheSize?: number;
}

type SurveyOnly = Omit<SurveyRow, "questions">;
type QuestionRows = SurveyRow["questions"];

// Crockford-style alphabet: short answer ids an admin can type (/survey_publish_text K7M2QX9AHD).
const ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function answerId(): string {
  return [...randomBytes(10)].map((b) => ID_ALPHABET[b % 32]).join("");
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

interface AnswerRow {
  readonly id: string;
  readonly responseId: string;
  readonly questionId: number;
  readonly optionId: number | null;
  readonly value: number | null;
  readonly text: string | null;
  readonly textPublished: boolean;
}

/** Answer rows for one question: one per picked option, one "other" text, one value or one text. */
function rowsFor(question: SurveyQuestion, answer: DraftAnswer | undefined): Omit<Prisma.SurveyAnswerCreateManyInput, "responseId">[] {
  if (!answer || answer.skipped) return [];
  const rows: Omit<Prisma.SurveyAnswerCreateManyInput, "responseId">[] = [];
  for (const pick of answer.picks ?? []) {
    const option = question.options.find((o) => o.position === pick);
    if (option) rows.push({ id: answerId(), questionId: question.id, optionId: option.id });
  }
  if (answer.other !== undefined) rows.push({ id: answerId(), questionId: question.id, text: answer.other });
  if (answer.value !== undefined) rows.push({ id: answerId(), questionId: question.id, value: answer.value });
  if (answer.text !== undefined) rows.push({ id: answerId(), questionId: question.id, text: answer.text });
  return rows;
}

/** Turns answer rows back into draft answers keyed by question position. */
function toAnswers(survey: Survey, rows: readonly AnswerRow[]): Record<string, DraftAnswer> {
  const answers: Record<string, DraftAnswer> = {};
  for (const question of survey.questions) {
    const mine = rows.filter((r) => r.questionId === question.id);
    if (mine.length === 0) continue;
    const picks = mine
      .map((r) => question.options.find((o) => o.id === r.optionId)?.position)
      .filter((p): p is number => p !== undefined)
      .sort((a, b) => a - b);
    const value = mine.find((r) => r.value !== null)?.value ?? undefined;
    const text = mine.find((r) => r.optionId === null && r.text !== null)?.text ?? undefined;
    const choice = question.type === "single" || question.type === "multiple";
    answers[String(question.position)] = {
      ...(choice ? { picks } : {}),
      ...(choice && text !== undefined ? { other: text } : {}),
      ...(!choice && text !== undefined ? { text } : {}),
      ...(value !== undefined ? { value } : {}),
    };
  }
  return answers;
}

const ANSWER_SELECT = { id: true, responseId: true, questionId: true, optionId: true, value: true, text: true, textPublished: true } as const;

export function createSurveyStore(access: PrismaAccess, options: SurveyStoreOptions = {}): SurveyStore {
  const client = (): Db => access.client();

  /** Where the resident's response of this survey is: by resident for named surveys, by token for anonymous ones. */
  async function responseKey(survey: Pick<Survey, "id" | "anonymous">, residentId: number) {
    if (!survey.anonymous) return { surveyId: survey.id, residentId } as const;
    const token = voterToken(await voterSecret(client(), options.tokenSecret), survey.id, residentId);
    return { surveyId: survey.id, voterToken: token } as const;
  }

  // A survey's questions and options are written once, with the survey, and never changed (answers
  // point at them), so they are read once per process; the survey row itself (status, dates) is
  // read every time. Survey ids are never reused, so an entry cannot go stale.
  const questionCache = new Map<number, QuestionRows>();
  const cacheSize = options.questionCacheSize ?? 256;

  function remember(surveyId: number, questions: QuestionRows): void {
    questionCache.delete(surveyId);
    questionCache.set(surveyId, questions);
    if (questionCache.size > cacheSize) questionCache.delete(questionCache.keys().next().value!);
  }

  /** The surveys with their questions, reading only the questions not yet in memory (one query). */
  async function withQuestions(rows: readonly SurveyOnly[]): Promise<Survey[]> {
    const found = new Map<number, QuestionRows>();
    for (const row of rows) {
      const cached = questionCache.get(row.id);
      if (cached) found.set(row.id, cached);
    }
    const missing = rows.filter((row) => !found.has(row.id)).map((row) => row.id);
    if (missing.length > 0) {
      const questions = await client().surveyQuestion.findMany({
        where: { surveyId: { in: missing } },
        include: SURVEY_INCLUDE.questions.include,
        orderBy: [{ surveyId: "asc" }, { position: "asc" }],
      });
      for (const id of missing) {
        const own = questions.filter((q) => q.surveyId === id);
        found.set(id, own);
        remember(id, own);
      }
    }
    return rows.map((row) => toSurvey({ ...row, questions: found.get(row.id) ?? [] }));
  }

  async function load(where: Prisma.SurveyWhereUniqueInput): Promise<Survey | undefined> {
    const row = await client().survey.findUnique({ where });
    return row ? (await withQuestions([row]))[0] : undefined;
  }

  return {
    async create(survey) {
      const row = await client().survey.create({
        data: {
          key: survey.key,
          title: toJson(survey.title),
          intro: toJson(survey.intro),
          areaId: survey.areaId,
          opensAt: survey.opensAt,
          closesAt: survey.closesAt,
          anonymous: survey.anonymous,
          allowChange: survey.allowChange,
          liveResults: survey.liveResults,
          questions: {
            create: survey.questions.map((q, position) => ({
              position,
              type: q.type,
              text: toJson(q.text),
              required: q.required,
              minPicks: q.minPicks ?? null,
              maxPicks: q.maxPicks ?? null,
              scaleMin: q.scaleMin ?? null,
              scaleMax: q.scaleMax ?? null,
              ...(q.scaleMinLabel || q.scaleMaxLabel
                ? {
                    scaleLabels: {
                      ...(q.scaleMinLabel ? { min: toJson(q.scaleMinLabel) } : {}),
                      ...(q.scaleMaxLabel ? { max: toJson(q.scaleMaxLabel) } : {}),
                    },
                  }
                : {}),
              allowOther: q.allowOther ?? false,
              maxLength: q.maxLength ?? null,
              options: { create: (q.options ?? []).map((label, index) => ({ position: index, label: toJson(label) })) },
            })),
          },
        },
        include: SURVEY_INCLUDE,
      });
      return toSurvey(row);
    },
    get: (surveyId) => load({ id: surveyId }),
    byKey: (key) => load({ key }),
    async listAnswerable(areaIds, now) {
      const rows = await client().survey.findMany({
        where: {
          status: "open",
          closesAt: { gt: now },
          OR: [{ opensAt: null }, { opensAt: { lte: now } }],
          AND: [{ OR: [{ areaId: null }, { areaId: { in: [...areaIds] } }] }],
        },
        orderBy: [{ closesAt: "asc" }, { id: "asc" }],
      });
      return withQuestions(rows);
    },
    async listPublished() {
      const rows = await client().survey.findMany({ where: { status: "published" }, orderBy: [{ publishedAt: { sort: "desc", nulls: "last" } }, { id: "desc" }] });
      return withQuestions(rows);
    },
    async overview() {
      const rows = await client().survey.findMany({ include: { _count: { select: { responses: true } } }, orderBy: { id: "asc" } });
      const surveys = await withQuestions(rows);
      return rows.map((row, index) => ({ survey: surveys[index]!, responses: row._count.responses }));
    },
    async setStatus(surveyId, status, opensAt, now) {
      const found = await client().survey.findUnique({ where: { id: surveyId }, select: { id: true, opensAt: true, plannedOpensAt: true } });
      if (!found) return undefined;
      // Opening before the file's date keeps that date, so nobody wonders later why it opened "early".
      const early = opensAt && found.opensAt && found.opensAt > opensAt ? { plannedOpensAt: found.plannedOpensAt ?? found.opensAt } : {};
      const row = await client().survey.update({
        where: { id: surveyId },
        data: { status, ...(opensAt ? { opensAt } : {}), ...early, ...(status === "published" ? { publishedAt: now ?? new Date() } : {}) },
      });
      if (status !== "open") await client().surveyDraft.deleteMany({ where: { surveyId } });
      return (await withQuestions([row]))[0];
    },
    async closeDueSurveys(now) {
      const due = await client().survey.findMany({ where: { status: "open", closesAt: { lte: now } }, select: { id: true } });
      const ids = due.map((s) => s.id);
      if (ids.length === 0) return [];
      await client().survey.updateMany({ where: { id: { in: ids }, status: "open" }, data: { status: "closed" } });
      // Drafts of anonymous surveys join a resident to answers; once nobody can submit they go.
      await client().surveyDraft.deleteMany({ where: { surveyId: { in: ids } } });
      return ids;
    },

    async getDraft(surveyId, residentId) {
      const row = await client().surveyDraft.findUnique({ where: { surveyId_residentId: { surveyId, residentId } } });
      return row ? toDraft(row) : undefined;
    },
    async saveDraft(surveyId, residentId, draft) {
      const data = { position: draft.position, answers: answersJson(draft.answers), changing: draft.changing };
      await client().surveyDraft.upsert({
        where: { surveyId_residentId: { surveyId, residentId } },
        create: { surveyId, residentId, ...data },
        update: data,
      });
    },
    async deleteDraft(surveyId, residentId) {
      await client().surveyDraft.deleteMany({ where: { surveyId, residentId } });
    },

    async findResponse(survey, residentId) {
      const response = await client().surveyResponse.findFirst({
        where: await responseKey(survey, residentId),
        include: { answers: { select: ANSWER_SELECT } },
      });
      return response ? toAnswers(survey, response.answers) : undefined;
    },
    async answeredBy(surveys, residentId) {
      const answered = new Set<number>();
      for (const survey of surveys) {
        const found = await client().surveyResponse.findFirst({ where: await responseKey(survey, residentId), select: { id: true } });
        if (found) answered.add(survey.id);
      }
      return answered;
    },
    async submit(survey, residentId, answers, changing, now) {
      const db = client();
      const key = await responseKey(survey, residentId);
      const rows = survey.questions.flatMap((q) => rowsFor(q, answers[String(q.position)]));
      const submittedAt = survey.anonymous ? startOfUtcDay(now) : now;
      const existing = await db.surveyResponse.findFirst({ where: key, select: { id: true } });
      await db.surveyDraft.deleteMany({ where: { surveyId: survey.id, residentId } });
      if (existing) {
        if (!changing || !survey.allowChange) return "already-counted";
        await db.surveyAnswer.deleteMany({ where: { responseId: existing.id } });
        await db.surveyResponse.update({ where: { id: existing.id }, data: { submittedAt } });
        await db.surveyAnswer.createMany({ data: rows.map((r) => ({ ...r, responseId: existing.id })) });
        return "changed";
      }
      const id = randomUUID();
      // The unique (surveyId, residentId) / (surveyId, voterToken) makes a simultaneous second
      // submission fail here; the unit of work then runs again and finds this response.
      await db.surveyResponse.create({ data: { id, ...key, submittedAt } });
      await db.surveyAnswer.createMany({ data: rows.map((r) => ({ ...r, responseId: id })) });
      return "submitted";
    },

    async results(survey) {
      const db = client();
      const responses = await db.surveyResponse.count({ where: { surveyId: survey.id } });
      const rows = await db.surveyAnswer.findMany({
        where: { question: { surveyId: survey.id } },
        select: ANSWER_SELECT,
        orderBy: { id: "asc" },
      });
      const questions: QuestionResult[] = survey.questions.map((question) => {
        const mine = rows.filter((r) => r.questionId === question.id);
        const optionCounts = new Map<number, number>(question.options.map((o) => [o.position, 0]));
        const valueCounts = new Map<number, number>();
        const texts: FreeTextAnswer[] = [];
        let otherCount = 0;
        for (const row of mine) {
          if (row.optionId !== null) {
            const option = question.options.find((o) => o.id === row.optionId);
            if (option) optionCounts.set(option.position, (optionCounts.get(option.position) ?? 0) + 1);
          } else if (row.value !== null) {
            valueCounts.set(row.value, (valueCounts.get(row.value) ?? 0) + 1);
          } else if (row.text !== null) {
            if (question.type !== "text") otherCount += 1;
            texts.push({ answerId: row.id, text: row.text, published: row.textPublished });
          }
        }
        return {
          questionId: question.id,
          respondents: new Set(mine.map((r) => r.responseId)).size,
          optionCounts,
          otherCount,
          valueCounts,
          texts,
        };
      });
      return { responses, questions };
    },
    async surveyOfText(id) {
      const row = await client().surveyAnswer.findUnique({ where: { id }, select: { text: true, question: { select: { surveyId: true } } } });
      return row && row.text !== null ? row.question.surveyId : undefined;
    },
    async publishText(id) {
      const row = await client().surveyAnswer.findUnique({ where: { id }, select: { text: true, question: { select: { surveyId: true } } } });
      if (!row || row.text === null) return undefined;
      await client().surveyAnswer.update({ where: { id }, data: { textPublished: true } });
      return row.question.surveyId;
    },
    async exportResponses(survey) {
      const responses = await client().surveyResponse.findMany({
        where: { surveyId: survey.id },
        include: { answers: { select: ANSWER_SELECT } },
        orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
      });
      return responses.map(
        (r): ExportedResponse => ({
          id: r.id,
          submittedAt: r.submittedAt,
          residentId: survey.anonymous ? null : r.residentId,
          answers: toAnswers(survey, r.answers),
        }),
      );
    },
  };
}
