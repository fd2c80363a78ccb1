import { createHmac, randomBytes } from "node:crypto";
import type { Db } from "./prisma-access.js";

/** KeyValue row holding the generated secret when none is configured. */
export const VOTER_SECRET_KEY = "surveys.voter-token-secret";

/**
 * The secret behind anonymous voter tokens: the configured one (SURVEY_TOKEN_SECRET) or, when
 * none is configured, one generated once and kept in the KeyValue table. A configured secret is
 * stronger: whoever holds the database AND the secret can recompute every resident's token, so
 * keeping the secret outside the database keeps a stolen dump anonymous.
 */
export async function voterSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const generated = randomBytes(32).toString("base64url");
  // Insert-if-missing then read, so two processes starting at once agree on one secret.
  await db.$executeRaw`INSERT INTO "KeyValue" ("key", "value", "updatedAt")
    VALUES (${VOTER_SECRET_KEY}, ${JSON.stringify(generated)}::jsonb, now()) ON CONFLICT ("key") DO NOTHING`;
  const row = await db.keyValue.findUniqueOrThrow({ where: { key: VOTER_SECRET_KEY } });
  if (typeof row.value !== "string" || row.value.length < 16) throw new Error("stored survey voter secret is malformed");
  return row.value;
}

/** HMAC-SHA256(secret, "surveyId:residentId"), hex: one-way, so the token cannot be turned back into a resident. */
export function voterToken(secret: string, surveyId: number, residentId: number): string {
  return createHmac("sha256", secret).update(`${surveyId}:${residentId}`).digest("hex");
}
