/** Where an idea stands on its way from submission to implementation. */
export const IDEA_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "hidden",
  "prioritised",
  "workshop",
  "decided_accepted",
  "decided_declined",
  "implemented",
] as const;

/**
 * An idea's status.
 *
 * @example
 * const status: IdeaStatus = "prioritised";
 */
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

export function isIdeaStatus(value: unknown): value is IdeaStatus {
  return typeof value === "string" && (IDEA_STATUSES as readonly string[]).includes(value);
}

/** Statuses everyone may see: approved by a moderator and not hidden since. */
export const PUBLIC_STATUSES: readonly IdeaStatus[] = [
  "approved",
  "prioritised",
  "workshop",
  "decided_accepted",
  "decided_declined",
  "implemented",
];

export const isPublic = (status: IdeaStatus): boolean => PUBLIC_STATUSES.includes(status);

/** Statuses the citizens' council works on. */
export const COUNCIL_STATUSES: readonly IdeaStatus[] = ["approved", "prioritised", "workshop", "decided_accepted"];

/**
 * An idea as the core sees it, with its number of supports.
 *
 * @example
 * const idea: Idea = {
 *   id: 42, title: "Bank am Dorfteich", description: "Eine Sitzbank …", areaId: 6, category: "community",
 *   photoId: null, authorId: 7, status: "approved", priorityRank: null, createdAt: new Date(), supportCount: 3,
 * };
 */
export interface Idea {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly areaId: number | null;
  readonly category: string;
  /** The attached photo (PhotoStore), if the author sent one. */
  readonly photoId: number | null;
  readonly authorId: number | null;
  readonly status: IdeaStatus;
  readonly priorityRank: number | null;
  readonly createdAt: Date;
  readonly supportCount: number;
}

/**
 * Who did something: the platform identity and a name to show other staff.
 *
 * @example
 * const actor: Actor = { identity: "telegram:555", name: "Maria" };
 */
export interface Actor {
  readonly identity: string;
  readonly name: string;
}

/**
 * One step of an idea's path: a moderator's decision with reason, a council statement or a note.
 *
 * @example
 * const step: StatusChange = {
 *   id: 1, ideaId: 42, fromStatus: "pending", toStatus: "approved",
 *   actor: { identity: "telegram:555", name: "Maria" }, reason: null, createdAt: new Date(),
 * };
 */
export interface StatusChange {
  readonly id: number;
  readonly ideaId: number;
  readonly fromStatus: IdeaStatus | null;
  readonly toStatus: IdeaStatus;
  readonly actor: Actor;
  readonly reason: string | null;
  readonly createdAt: Date;
}

/**
 * A post of the citizens' council about one or more ideas; published after a second review.
 *
 * @example
 * const result: CouncilResult = {
 *   id: 3, title: "Sitzbänke", text: "Der Bürgerrat empfiehlt …", status: "draft", ideaIds: [42],
 *   author: { identity: "telegram:777", name: "Jens" }, reviewerIdentity: null, createdAt: new Date(), publishedAt: null,
 * };
 */
export interface CouncilResult {
  readonly id: number;
  readonly title: string;
  readonly text: string;
  readonly status: "draft" | "published";
  readonly ideaIds: readonly number[];
  readonly author: Actor;
  readonly reviewerIdentity: string | null;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
}

/**
 * One entry of the audit log kept for moderation and council actions.
 *
 * @example
 * const entry: AuditEntry = {
 *   id: 9, actor: { identity: "telegram:555", name: "Maria" }, action: "idea.reject",
 *   targetType: "idea", targetId: "42", reason: "Duplicate of 17", createdAt: new Date(),
 * };
 */
export interface AuditEntry {
  readonly id: number;
  readonly actor: Actor;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly reason: string | null;
  readonly createdAt: Date;
}

/**
 * The chat that receives new submissions and reports, set by an admin with /modchat.
 *
 * @example
 * const chat: ModerationChat = { channel: "telegram", chatId: "-100123" };
 */
export interface ModerationChat {
  readonly channel: "telegram" | "matrix" | "console";
  readonly chatId: string;
}

/**
 * A resident's report of an idea or a news item. Open until a moderator dismisses it or acts on
 * what it reports (hiding the idea); `resolvedAt` says when.
 *
 * @example
 * const report: Report = { id: 3, targetType: "idea", targetId: 12, reporterId: 7, reason: "Werbung", createdAt: new Date(), resolvedAt: null };
 */
export interface Report {
  readonly id: number;
  readonly targetType: "idea" | "news";
  readonly targetId: number;
  /** Null once the reporter's account was erased. */
  readonly reporterId: number | null;
  readonly reason: string | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
}
