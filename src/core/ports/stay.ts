/**
 * The answer of a resident who was asked, after a long silence, whether to keep their account.
 *
 * @example
 * const stay: StayStore = createStayStore(access);
 * await stay.stay(residentId); // the question is withdrawn; the silence counts from now again
 */
export interface StayStore {
  /** Withdraws the question asked of the resident, so the erasure it announced does not happen. */
  stay(residentId: number): Promise<void>;
}
