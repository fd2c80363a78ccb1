import type { Role, RoleGrant } from "../../model/role.js";
import type { Actor, AuditEntry, CouncilResult, Idea, IdeaStatus, ModerationChat, Report, StatusChange } from "./idea-model.js";

export interface NewIdea {
  readonly title: string;
  readonly description: string;
  readonly areaId: number | null;
  readonly category: string;
  readonly authorId: number;
  readonly photoId?: number | null;
  /** From the core's clock, so the daily limit counts in the same time as it is checked. */
  readonly createdAt: Date;
}

export type IdeaSort = "new" | "top";

/** The outcome of a conditional status change: exactly one of several concurrent ones wins. */
export type TransitionOutcome =
  | { readonly kind: "changed"; readonly idea: Idea; readonly change: StatusChange }
  /** The idea was no longer in one of the expected statuses; `last` says who changed it. */
  | { readonly kind: "conflict"; readonly idea: Idea; readonly last: StatusChange | undefined }
  | { readonly kind: "missing" };

export interface IdeaStore {
  /** Creates a pending idea and the first entry of its path. */
  create(idea: NewIdea, actor: Actor): Promise<Idea>;
  get(ideaId: number): Promise<Idea | undefined>;
  countByAuthorSince(authorId: number, since: Date): Promise<number>;
  /** Public ideas whose title or description contains one of the words (case-insensitive). */
  publicMatching(words: readonly string[], limit: number): Promise<Idea[]>;
  /** Public ideas of these areas (null: all areas), newest or most supported first. */
  listPublic(query: {
    readonly areaIds: readonly number[] | null;
    readonly sort: IdeaSort;
    readonly offset: number;
    readonly limit: number;
  }): Promise<{ readonly items: Idea[]; readonly total: number }>;
  /** Ideas in these statuses, oldest first (moderation queue) or by rank then supports (council). */
  listByStatus(statuses: readonly IdeaStatus[], order: "oldest" | "rank", limit: number): Promise<Idea[]>;
  history(ideaId: number): Promise<StatusChange[]>;
  /**
   * Moves the idea to `to` only if its status is one of `from` (a conditional update), and records
   * the step. Two moderators acting at once: one gets "changed", the other "conflict".
   */
  transition(
    ideaId: number,
    from: readonly IdeaStatus[],
    to: IdeaStatus,
    actor: Actor,
    reason: string | null,
    priorityRank?: number,
  ): Promise<TransitionOutcome>;
  /** Records a note (e.g. implementation progress) without changing the status. */
  addNote(ideaId: number, actor: Actor, note: string): Promise<StatusChange | undefined>;
  setRank(ideaId: number, rank: number | null): Promise<boolean>;
  /** Supports (and follows) the idea; false when the resident had supported it before. */
  support(ideaId: number, residentId: number): Promise<boolean>;
  /**
   * Ends the resident's support; the follow that supporting created ends with it, a follow the
   * resident chose themselves stays. `withdrawn` is false when there was no support.
   */
  withdrawSupport(ideaId: number, residentId: number): Promise<{ readonly withdrawn: boolean; readonly unfollowed: boolean }>;
  /** Follows the idea on purpose (a follow that came with a support then outlasts its withdrawal). */
  follow(ideaId: number, residentId: number): Promise<boolean>;
  unfollow(ideaId: number, residentId: number): Promise<boolean>;
  viewerState(ideaId: number, residentId: number): Promise<{ readonly supported: boolean; readonly following: boolean }>;
  followerIds(ideaId: number): Promise<number[]>;
  report(targetType: "idea" | "news", targetId: number, reporterId: number, reason: string | null): Promise<number>;
}

export interface StaffMember {
  readonly residentId: number;
  readonly grant: RoleGrant;
}

export interface ModerationStore {
  moderationChat(): Promise<ModerationChat | undefined>;
  setModerationChat(chat: ModerationChat): Promise<void>;
  /** Sets blockedAt; false when the resident does not exist. */
  blockResident(residentId: number, reason: string | null, at: Date): Promise<boolean>;
  /** Clears blockedAt only if it is set (a conditional update): false when the resident was not blocked. */
  unblockResident(residentId: number): Promise<boolean>;
  /** Open reports, oldest first. */
  openReports(limit: number): Promise<Report[]>;
  getReport(reportId: number): Promise<Report | undefined>;
  /** Resolves the report only if it is still open: of two moderators, one gets true. */
  resolveReport(reportId: number, at: Date): Promise<boolean>;
  /** Resolves every open report of one idea or news item (it was acted on); how many were open. */
  resolveReportsOn(targetType: Report["targetType"], targetId: number, at: Date): Promise<number>;
  /** Residents holding one of these roles through any of their identities. */
  staff(roles: readonly Role[]): Promise<StaffMember[]>;
}

export interface AuditStore {
  record(actor: Actor, action: string, targetType: string, targetId: string | number, reason: string | null): Promise<void>;
  /** The newest entries first. */
  recent(limit: number): Promise<AuditEntry[]>;
}

export interface CouncilResultStore {
  createDraft(input: { title: string; text: string; ideaIds: readonly number[]; author: Actor }): Promise<CouncilResult>;
  get(resultId: number): Promise<CouncilResult | undefined>;
  drafts(limit: number): Promise<CouncilResult[]>;
  /** Publishes a draft; undefined when it was no draft (any more), so two reviewers cannot both publish. */
  publish(resultId: number, reviewerIdentity: string, at: Date): Promise<CouncilResult | undefined>;
  latestPublished(limit: number): Promise<CouncilResult[]>;
  publishedForIdea(ideaId: number): Promise<CouncilResult[]>;
}
