import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import type { Choice } from "../../model/outbound-message.js";
import type { Clock } from "../../ports/clock.js";
import type { ConsentStore, WithdrawalOutcome } from "../../ports/consent.js";
import { actorOf } from "../ideas/access.js";
import type { AuditStore } from "../ideas/idea-ports.js";
import { formatMoment } from "../../render/format-date.js";
import { hasCurrentConsent, privacyNotice, type PrivacyFacts } from "./privacy-notice.js";

export const PRIVACY_FEATURE = "privacy";

/** Actions of the features that give a copy of the data and erase the account (built beside this one). */
export const MY_DATA_ACTION = "mydata:send";
export const ERASE_ACTION = "erase:ask";

export interface PrivacyFeatureDeps {
  readonly consents: ConsentStore;
  readonly clock: Clock;
  readonly privacy: PrivacyFacts;
  /** Where a withdrawal of consent is recorded (a data protection request, Art. 7(3)). */
  readonly audit: Pick<AuditStore, "record">;
  /** The municipality's time zone (TIME_ZONE), for the dates of consent and withdrawal. */
  readonly timeZone: string;
}

/**
 * Settings → Privacy: the notice, where the resident's consent stands, and the rights that need
 * no help from the office: withdrawing consent (with a confirmation saying what happens), a copy
 * of their data, deleting the account, and agreeing again. Its actions run before onboarding is
 * complete, because a resident who withdrew keeps these rights without consenting again.
 *
 * @example
 * const privacy = createPrivacyFeature({ consents: stores.consents, clock, privacy: facts });
 * await turn.dispatch("privacy:open");
 */
export function createPrivacyFeature(deps: PrivacyFeatureDeps): Feature {
  const rightsRows = (turn: Turn): Choice[][] => [
    [{ label: turn.label("privacy:my-data"), action: MY_DATA_ACTION }],
    [{ label: turn.label("privacy:erase"), action: ERASE_ACTION }],
  ];

  /** A consent that can be withdrawn: given (to this notice or an earlier one) and not withdrawn since. */
  const standing = (turn: Turn) => turn.resident.privacyAcceptedAt !== null && turn.resident.privacyWithdrawnAt === null;

  function status(turn: Turn): string {
    const r = turn.resident;
    if (r.privacyWithdrawnAt) return turn.t("privacy:status-withdrawn", { date: formatMoment(r.privacyWithdrawnAt, turn.locale, deps.timeZone) });
    if (r.privacyAcceptedAt && hasCurrentConsent(r, deps.privacy)) {
      return turn.t("privacy:status-given", { version: deps.privacy.noticeVersion, date: formatMoment(r.privacyAcceptedAt, turn.locale, deps.timeZone) });
    }
    if (r.privacyAcceptedAt) return turn.t("privacy:status-outdated", { version: deps.privacy.noticeVersion });

    return turn.t("privacy:status-none");
  }

  function open(turn: Turn): void {
    turn.reply({ html: privacyNotice(turn, deps.privacy) });
    const rows: Choice[][] = [];
    if (!hasCurrentConsent(turn.resident, deps.privacy)) {
      const label = turn.resident.privacyAcceptedAt ? "privacy:agree-again" : "privacy:agree";
      rows.push([{ label: turn.label(label), action: `${PRIVACY_FEATURE}:agree` }]);
    }
    // Also a consent to an earlier notice can be withdrawn, not only renewed.
    if (standing(turn)) rows.push([{ label: turn.label("privacy:withdraw"), action: `${PRIVACY_FEATURE}:withdraw` }]);
    turn.reply({
      html: `${turn.t("privacy:status-title")}\n${status(turn)}`,
      choices: [...rows, ...(turn.resident.onboardedAt ? rightsRows(turn) : []), [{ label: turn.label("menu:back"), action: "settings:open" }]],
    });
  }

  function askWithdraw(turn: Turn): void {
    if (!standing(turn)) {
      turn.say("privacy:nothing-to-withdraw");
      return open(turn);
    }
    turn.say("privacy:withdraw-explain", {}, [
      [{ label: turn.label("privacy:withdraw-yes"), action: `${PRIVACY_FEATURE}:withdraw-confirm` }],
      [{ label: turn.label("privacy:withdraw-no"), action: `${PRIVACY_FEATURE}:cancel` }],
    ]);
  }

  function ended(turn: Turn, outcome: WithdrawalOutcome): string[] {
    const lines: string[] = [];
    const follows = outcome.ideaFollows + outcome.initiativeFollows;
    if (follows > 0) lines.push(turn.t("privacy:ended-follows", { count: follows }));
    if (outcome.subscriptions > 0) lines.push(turn.t("privacy:ended-subscriptions", { count: outcome.subscriptions }));
    if (outcome.cancelledDeliveries > 0) lines.push(turn.t("privacy:ended-deliveries", { count: outcome.cancelledDeliveries }));
    return lines;
  }

  async function withdraw(turn: Turn): Promise<void> {
    if (!standing(turn)) {
      turn.say("privacy:nothing-to-withdraw");
      return open(turn);
    }
    const version = turn.resident.privacyVersion ?? deps.privacy.noticeVersion;
    const outcome = await deps.consents.withdraw(turn.resident.id, version, deps.clock.now());
    await deps.audit.record(actorOf(turn), "consent.withdraw", "resident", turn.resident.id, version);
    turn.setResident(outcome.resident);
    turn.leave();
    turn.reply({
      html: [turn.t("privacy:withdrawn"), ...ended(turn, outcome), turn.t("privacy:withdrawn-after")].join("\n\n"),
      choices: [[{ label: turn.label("privacy:agree-again"), action: `${PRIVACY_FEATURE}:agree` }], ...rightsRows(turn)],
    });
  }

  return {
    id: PRIVACY_FEATURE,
    actionsBeforeOnboarding: true,
    commands: [
      { name: "privacy", scope: "private", descriptionKey: "privacy:command", beforeOnboarding: true, run: async (turn) => open(turn) },
    ],
    async handleAction(turn, verb) {
      switch (verb) {
        case "open":
          return open(turn);
        case "withdraw":
          return askWithdraw(turn);
        case "withdraw-confirm":
          return withdraw(turn);
        case "cancel":
          turn.say("privacy:withdraw-cancelled");
          return open(turn);
        case "agree":
          if (hasCurrentConsent(turn.resident, deps.privacy)) {
            turn.say("privacy:already-given");
            return open(turn);
          }
          // Agreeing is onboarding's last step: it records the consent and continues from there.
          return turn.dispatch("onboarding:accept");
        default:
          turn.say("common:stale-action");
      }
    },
  };
}
