
/**
 * An association or initiative as residents see it.
 *
 * @example
 * const ffw: Initiative = { id: 3, slug: "ffw-hammah", name: "Freiwillige Feuerwehr Hammah", description: "…",
 *   areaId: 6, contact: "wehrfuehrung@example.org", link: null, trusted: true };
 */
export interface Initiative {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly areaId: number | null;
  readonly contact: string | null;
  readonly link: string | null;
  readonly trusted: boolean;
}

export type NewsStatus = "pending" | "published" | "rejected";

/**
 * A news item of an initiative; pending until a moderator approves it (unless the initiative is trusted).
 *
 * @example
 * const item: NewsItem = { id: 1, initiativeId: 3, text: "Osterfeuer am Samstag", eventDate: new Date("2027-03-27"),
 *   place: "Festplatz", photoId: null, status: "published", publishedAt: new Date(), authorId: "telegram:42",
 *   authorResidentId: 7, rejectReason: null };
 */
export interface NewsItem {
  readonly id: number;
  readonly initiativeId: number;
  readonly authorId: string;
  /** The resident who posted it; null for items from before this was recorded. */
  readonly authorResidentId: number | null;
  readonly text: string;
  readonly eventDate: Date | null;
  readonly place: string | null;
  /** The attached photo (PhotoStore), if the manager sent one. */
  readonly photoId: number | null;
  readonly status: NewsStatus;
  readonly publishedAt: Date | null;
  /** The moderators' reason when rejected. */
  readonly rejectReason: string | null;
}

export interface NewInitiative {
  readonly slug: string;
  readonly name: string;
  readonly description?: string;
  readonly areaId?: number | null;
  readonly contact?: string | null;
  readonly link?: string | null;
  readonly trusted?: boolean;
}

export interface NewNews {
  readonly initiativeId: number;
  readonly authorId: string;
  readonly authorResidentId: number;
  readonly text: string;
  readonly eventDate: Date | null;
  readonly place: string | null;
  readonly photoId?: number | null;
  /** "published" for trusted initiatives, else "pending". */
  readonly status: "pending" | "published";
  readonly now: Date;
}

/** Fields an admin may change; absent fields stay as they are. */
export interface InitiativeChanges {
  readonly name?: string;
  readonly description?: string;
  readonly areaId?: number | null;
  readonly contact?: string | null;
  readonly link?: string | null;
  readonly trusted?: boolean;
}

export interface InitiativeStore {
  create(input: NewInitiative): Promise<Initiative>;
  /** Every initiative, by name. */
  listAll(): Promise<Initiative[]>;
  /** undefined when there is no initiative with that slug. */
  update(slug: string, changes: InitiativeChanges): Promise<Initiative | undefined>;
  /** Stores the PNG logo shown with the profile; false when there is no such initiative. */
  setLogo(slug: string, png: Uint8Array): Promise<boolean>;
  /** The logo's PNG bytes, if one was stored. */
  logoOf(id: number): Promise<Uint8Array | undefined>;
  get(id: number): Promise<Initiative | undefined>;
  bySlug(slug: string): Promise<Initiative | undefined>;
  /** Initiatives of these areas (an area and its ancestors), and those without an area. */
  listForAreas(areaIds: readonly number[]): Promise<Initiative[]>;
  follow(residentId: number, initiativeId: number): Promise<void>;
  unfollow(residentId: number, initiativeId: number): Promise<void>;
  isFollowing(residentId: number, initiativeId: number): Promise<boolean>;
  followedBy(residentId: number): Promise<Initiative[]>;
  addNews(input: NewNews): Promise<NewsItem>;
  /** Publishes a pending item; undefined when there is no pending item with that id (any more). */
  approveNews(id: number, now: Date): Promise<NewsItem | undefined>;
  /** Rejects a pending item; undefined when it is not pending (any more), so only one moderator wins. */
  rejectNews(id: number, reason: string): Promise<NewsItem | undefined>;
  getNews(id: number): Promise<NewsItem | undefined>;
  /** Pending items, oldest first. */
  pendingNews(limit: number): Promise<NewsItem[]>;
  /** Published news of the initiatives the resident follows, newest first. */
  latestNewsFor(residentId: number, limit: number): Promise<(NewsItem & { readonly initiativeName: string })[]>;
  latestNewsOf(initiativeId: number, limit: number): Promise<NewsItem[]>;
}

