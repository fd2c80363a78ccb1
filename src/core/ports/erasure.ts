/**
 * What happens to the ideas and news items of an erased resident: kept without the author
 * ("anonymise") or removed with their photos ("delete"). Configured as ERASURE_CONTRIBUTIONS.
 */
export type ContributionsOnErasure = "anonymise" | "delete";

/**
 * Erasing a resident on their own request, inside the running unit of work.
 *
 * @example
 * await erasure.erase(turn.resident.id, { reason: "own request", keepEventId: turn.event.eventId });
 */
export interface ResidentErasure {
  /** How contributions are treated, for the confirmation text. */
  readonly contributions: ContributionsOnErasure;
  /**
   * Removes the resident and everything pointing to them (docs/privacy.md lists what stays).
   * `keepEventId` is the erasing event: kept without link or replies, so its redelivery changes nothing.
   */
  erase(residentId: number, request: { readonly reason: string; readonly keepEventId: string }): Promise<void>;
}
