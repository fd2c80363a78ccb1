import type { Resident } from "../model/resident.js";

/**
 * What ended with a withdrawal, so the confirmation can say it in numbers.
 *
 * @example
 * const ended: WithdrawalOutcome = { resident, ideaFollows: 2, initiativeFollows: 1, subscriptions: 0, feedPreferences: 1, cancelledDeliveries: 3 };
 */
export interface WithdrawalOutcome {
  readonly resident: Resident;
  readonly ideaFollows: number;
  readonly initiativeFollows: number;
  /** Feed subscriptions of the resident's own private chats, now inactive. */
  readonly subscriptions: number;
  readonly feedPreferences: number;
  /** Pending messages to the resident's private chats that will not be sent. */
  readonly cancelledDeliveries: number;
}

/** The `lastError` of a delivery cancelled because its recipient withdrew consent. */
export const CONSENT_WITHDRAWN_ERROR = "consent withdrawn: not sent";

/**
 * Consent to the privacy notice, versioned. Each call writes one ConsentRecord together with the
 * resident's current state in one unit of work, so history and state never disagree.
 *
 * @example
 * const resident = await consents.give(7, "2026-12-01", clock.now());
 * const { cancelledDeliveries } = await consents.withdraw(7, "2026-12-01", clock.now());
 */
export interface ConsentStore {
  /**
   * Records consent to `noticeVersion` at `at`; the resident counts as onboarded from then on
   * (an earlier onboarding time is kept). Returns the resident as now stored.
   */
  give(residentId: number, noticeVersion: string, at: Date): Promise<Resident>;
  /**
   * Records the withdrawal and stops processing for the resident: their idea and initiative
   * follows, the subscriptions of their private chats and their feed preferences end, and pending
   * deliveries to their private chats are marked failed. Their contributions stay.
   */
  withdraw(residentId: number, noticeVersion: string, at: Date): Promise<WithdrawalOutcome>;
}
