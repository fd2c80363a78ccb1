import type { Turn } from "../../conversation/turn.js";
import { IDEAS_FLOW } from "./submit-flow.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { isPublic } from "./idea-model.js";
import { toModerators } from "./moderators.js";
import type { IdeaStore } from "./idea-ports.js";

/** What filing a report needs; the news feature passes its own deps. */
export type ReportDeps = Pick<IdeasDeps, "moderation" | "areas" | "publisher" | "translator"> & {
  readonly ideas: Pick<IdeaStore, "report">;
};

const REASON_MAX = 500;

/** Support, follow and report: what residents do with ideas that others wrote. */
export function createParticipation(deps: IdeasDeps) {
  function refuseBlocked(turn: Turn): boolean {
    if (!turn.resident.blockedAt) return false;
    turn.leave();
    turn.say("ideas:blocked");
    return true;
  }

  async function publicIdea(turn: Turn, ideaId: number | undefined) {
    const idea = ideaId === undefined ? undefined : await deps.ideas.get(ideaId);
    if (!idea || !isPublic(idea.status)) {
      turn.say("ideas:not-found");
      return undefined;
    }
    return idea;
  }

  async function support(turn: Turn, ideaId: number | undefined): Promise<void> {
    if (refuseBlocked(turn)) return;
    const idea = await publicIdea(turn, ideaId);
    if (!idea) return;
    // Supporting from the submit flow ends the flow: the resident chose an existing idea.
    if (turn.state.flow === IDEAS_FLOW) turn.leave();
    if (idea.authorId === turn.resident.id) {
      turn.say("ideas:support-own");
      return;
    }
    const added = await deps.ideas.support(idea.id, turn.resident.id);
    turn.say(added ? "ideas:supported" : "ideas:already-supported", { id: idea.id, title: idea.title }, [
      [{ label: turn.t("ideas:open-idea"), action: `ideas:show:${idea.id}` }],
    ]);
  }

  /** Withdraws a support; the count follows, and so does the follow that supporting created. */
  async function withdrawSupport(turn: Turn, ideaId: number | undefined): Promise<void> {
    const idea = await publicIdea(turn, ideaId);
    if (!idea) return;
    const { withdrawn, unfollowed } = await deps.ideas.withdrawSupport(idea.id, turn.resident.id);
    const key = !withdrawn ? "ideas:not-supported" : unfollowed ? "ideas:support-withdrawn-unfollowed" : "ideas:support-withdrawn";
    turn.say(key, { id: idea.id, title: idea.title }, [[{ label: turn.t("ideas:open-idea"), action: `ideas:show:${idea.id}` }]]);
  }

  async function follow(turn: Turn, ideaId: number | undefined, on: boolean): Promise<void> {
    const idea = await publicIdea(turn, ideaId);
    if (!idea) return;
    if (on) await deps.ideas.follow(idea.id, turn.resident.id);
    else await deps.ideas.unfollow(idea.id, turn.resident.id);
    turn.say(on ? "ideas:following" : "ideas:unfollowed", { id: idea.id, title: idea.title }, [
      [{ label: turn.t("ideas:open-idea"), action: `ideas:show:${idea.id}` }],
    ]);
  }

  async function askReportReason(turn: Turn, ideaId: number | undefined): Promise<void> {
    if (refuseBlocked(turn)) return;
    const idea = await publicIdea(turn, ideaId);
    if (!idea) return;
    turn.enter(IDEAS_FLOW, "report", { ideaId: idea.id });
    turn.say("ideas:ask-report-reason", { id: idea.id }, [
      [{ label: turn.t("ideas:report-without-reason"), action: `ideas:repx:${idea.id}` }],
      [{ label: turn.t("ideas:cancel"), action: "ideas:cancel" }],
    ]);
  }

  async function report(turn: Turn, ideaId: number | undefined, reason: string | null): Promise<void> {
    if (refuseBlocked(turn)) return;
    const idea = await publicIdea(turn, ideaId);
    if (!idea) return;
    turn.leave();
    await fileReport(deps, turn, "idea", idea.id, idea.areaId, idea.title, reason?.slice(0, REASON_MAX) ?? null);
  }

  return { support, withdrawSupport, follow, askReportReason, report };
}

/**
 * Stores a report and tells the moderators; exported so other features (news) report the same way.
 * The reporter is told it arrived. Blocked residents must be refused by the caller.
 */
export async function fileReport(
  deps: ReportDeps,
  turn: Turn,
  targetType: "idea" | "news",
  targetId: number,
  areaId: number | null,
  title: string,
  reason: string | null,
): Promise<void> {
  const reportId = await deps.ideas.report(targetType, targetId, turn.resident.id, reason);
  await toModerators(deps, areaId, `report:${reportId}`, (locale) => ({
    html: deps.translator.t(locale, reason ? "ideas:mod-report-reason" : "ideas:mod-report", {
      reportId,
      type: deps.translator.t(locale, `ideas:target-${targetType}`),
      id: targetId,
      title,
      reason: reason ?? "",
      reporter: turn.resident.id,
    }),
    ...(targetType === "idea"
      ? { choices: [[{ label: deps.translator.t(locale, "ideas:open-idea"), action: `ideas:show:${targetId}` }]] }
      : {}),
  }));
  turn.say("ideas:reported");
}
