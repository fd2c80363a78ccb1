import { loadConfig } from "../config.js";
import type { ContributionsOnErasure } from "../core/ports/erasure.js";
import { eraseResident, previewErasure, ResidentNotFoundError, type ErasureResult } from "../storage/privacy/erase-resident.js";
import { AdminError } from "./admin-error.js";
import type { AdminContext } from "./cli.js";

type Options = Record<string, string | boolean | undefined>;

/** The tables behind each count, as docs/privacy.md names them. */
const REMOVED_TABLES: Record<keyof ErasureResult["removed"], string> = {
  resident: "Resident",
  identities: "Identity",
  conversations: "Conversation",
  processedEvents: "ProcessedEvent",
  telegramInbox: "TelegramInboxUpdate",
  quarantine: "QuarantinedEvent",
  consents: "ConsentRecord",
  feedPreferences: "ResidentFeedPreference",
  digestRuns: "DigestRun",
  follows: "Follow",
  initiativeFollows: "InitiativeFollow",
  supports: "Support",
  reports: "Report",
  ideas: "Idea",
  news: "NewsItem",
  photos: "Photo",
  linkCodes: "LinkCode",
  linkAttempts: "LinkAttempt",
  linkClaims: "LinkClaim",
  deliveries: "Delivery",
  subscriptions: "Subscription",
  surveyDrafts: "SurveyDraft",
  surveyResponses: "SurveyResponse",
  roles: "RoleAssignment",
};

const ANONYMISED_TABLES: Record<keyof ErasureResult["anonymised"], string> = {
  ideas: "Idea",
  news: "NewsItem",
  photos: "Photo",
  reports: "Report",
  auditEntries: "AuditLog",
  statusChanges: "IdeaStatusChange",
  councilResults: "CouncilResult",
  subscriptionsCreated: "Subscription",
  rolesGranted: "RoleAssignment",
  conversations: "Conversation",
};

function printCounts(ctx: AdminContext, result: ErasureResult): void {
  const lines = (counts: Readonly<Record<string, number>>, tables: Readonly<Record<string, string>>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `  ${tables[kind] ?? kind}  ${n}`);
  ctx.say("admin:resident-delete-removed");
  for (const line of lines(result.removed, REMOVED_TABLES)) ctx.print(line);
  const anonymised = lines(result.anonymised, ANONYMISED_TABLES);
  if (anonymised.length > 0) {
    ctx.say("admin:resident-delete-anonymised");
    for (const line of anonymised) ctx.print(line);
  }
}

/**
 * `resident delete ID [--confirm]`: without --confirm, what erasing the resident would remove
 * (counted by a run that is rolled back, nothing changes); with it, the erasure, recorded in the
 * audit log with the admin as actor and a random reference as target, never the person. Ideas and
 * news follow ERASURE_CONTRIBUTIONS unless `contributions` is given.
 */
export async function deleteResident(ctx: AdminContext, args: readonly string[], options: Options, contributions?: ContributionsOnErasure): Promise<void> {
  const [idText] = args;
  const residentId = Number(idText);
  if (!idText || !/^\d+$/.test(idText) || !Number.isSafeInteger(residentId)) return ctx.say("admin:usage-resident-delete");
  const mode = contributions ?? loadConfig(process.env).erasureContributions;
  try {
    if (options["confirm"] !== true) {
      printCounts(ctx, await previewErasure(ctx.prisma, residentId, mode));
      ctx.say("admin:resident-delete-preview", { id: residentId, mode });
      return;
    }
    const result = await eraseResident(ctx.prisma, residentId, { contributions: mode, actor: ctx.actor, reason: "request to the administration" });
    printCounts(ctx, result);
    ctx.say("admin:resident-deleted", { id: residentId, reference: result.reference, mode });
  } catch (error) {
    if (error instanceof ResidentNotFoundError) throw new AdminError("admin:resident-delete-unknown", { id: residentId });
    throw error;
  }
}

/** Registered as the `resident` group's `delete` command in cli.ts. */
export const residentDeleteCommands = {
  delete: (ctx: AdminContext, args: string[], options: Options) => deleteResident(ctx, args, options),
};
