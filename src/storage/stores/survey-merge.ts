import type { Db } from "../prisma-access.js";
import { voterSecret, voterToken } from "../survey-voter-token.js";

/**
 * Moves the survey drafts and responses of resident `fromId` to `intoId` when two messengers are
 * linked. Where both answered the same survey, the response of `intoId` stays and the other is
 * deleted: one person, one response. Anonymous responses are found and re-keyed through their voter
 * token, which is why the token secret is needed here.
 */
export async function mergeSurveyData(db: Db, fromId: number, intoId: number, tokenSecret: string | undefined): Promise<void> {
  const intoDrafts = new Set((await db.surveyDraft.findMany({ where: { residentId: intoId }, select: { surveyId: true } })).map((d) => d.surveyId));
  await db.surveyDraft.deleteMany({ where: { residentId: fromId, surveyId: { in: [...intoDrafts] } } });
  await db.surveyDraft.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });

  const intoNamed = new Set((await db.surveyResponse.findMany({ where: { residentId: intoId }, select: { surveyId: true } })).map((r) => r.surveyId));
  await db.surveyResponse.deleteMany({ where: { residentId: fromId, surveyId: { in: [...intoNamed] } } });
  await db.surveyResponse.updateMany({ where: { residentId: fromId }, data: { residentId: intoId } });

  const anonymous = await db.survey.findMany({ where: { anonymous: true, responses: { some: {} } }, select: { id: true } });
  if (anonymous.length === 0) return;
  const secret = await voterSecret(db, tokenSecret);
  for (const { id } of anonymous) {
    const from = voterToken(secret, id, fromId);
    const into = voterToken(secret, id, intoId);
    const fromResponse = await db.surveyResponse.findUnique({ where: { surveyId_voterToken: { surveyId: id, voterToken: from } } });
    if (!fromResponse) continue;
    const intoResponse = await db.surveyResponse.findUnique({ where: { surveyId_voterToken: { surveyId: id, voterToken: into } } });
    if (intoResponse) await db.surveyResponse.delete({ where: { id: fromResponse.id } });
    else await db.surveyResponse.update({ where: { id: fromResponse.id }, data: { voterToken: into } });
  }
}
