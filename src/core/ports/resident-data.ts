/**
 * How many of each kind of datum a resident's data export holds, for the readable summary shown
 * beside the file. Every kind the export has is counted, so the summary can say what is stored.
 *
 * @example
 * const counts: ResidentDataCounts = { ...EMPTY_RESIDENT_DATA_COUNTS, identities: 2, ideas: 1 };
 */
export interface ResidentDataCounts {
  readonly identities: number;
  readonly roles: number;
  readonly consents: number;
  readonly ideas: number;
  readonly supports: number;
  readonly ideaFollows: number;
  readonly initiativeFollows: number;
  readonly reports: number;
  readonly news: number;
  readonly surveyResponses: number;
  readonly surveyDrafts: number;
  readonly photos: number;
  readonly linkCodes: number;
  readonly feedPreferences: number;
  readonly subscriptions: number;
  readonly conversations: number;
  readonly pendingDeliveries: number;
  readonly auditEntries: number;
}

/** The kinds in the order the summary names them. */
export const RESIDENT_DATA_KINDS = [
  "identities",
  "roles",
  "consents",
  "ideas",
  "supports",
  "ideaFollows",
  "initiativeFollows",
  "reports",
  "news",
  "surveyResponses",
  "surveyDrafts",
  "photos",
  "linkCodes",
  "feedPreferences",
  "subscriptions",
  "conversations",
  "pendingDeliveries",
  "auditEntries",
] as const satisfies readonly (keyof ResidentDataCounts)[];

export const EMPTY_RESIDENT_DATA_COUNTS: ResidentDataCounts = Object.fromEntries(RESIDENT_DATA_KINDS.map((k) => [k, 0])) as unknown as ResidentDataCounts;

/**
 * One resident's data export: the JSON text (shape and fields in docs/data-export.md, versioned
 * by its `version` field), when it was made, and the counts for the summary.
 *
 * @example
 * const data: ResidentDataFile = { json: "{…}", createdAt: new Date(), counts };
 */
export interface ResidentDataFile {
  readonly json: string;
  readonly createdAt: Date;
  readonly counts: ResidentDataCounts;
}

/**
 * Everything stored about one resident, gathered for an access request (GDPR Art. 15 and 20).
 * Joins the running unit of work, so what it reads is one consistent state.
 */
export interface ResidentDataExport {
  /** Undefined when there is no such resident. */
  exportResident(residentId: number): Promise<ResidentDataFile | undefined>;
}
