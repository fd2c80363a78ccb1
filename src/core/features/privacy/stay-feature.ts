import type { Feature } from "../../conversation/feature.js";
import type { Locale } from "../../model/locale.js";
import type { BroadcastMessage } from "../../ports/publisher.js";
import type { StayStore } from "../../ports/stay.js";
import type { Translator } from "../../ports/translator.js";
import { formatDay } from "../../render/format-date.js";

export const STAY_FEATURE = "stay";
/** "I want to stay": answers the question sent by the maintenance to long-silent residents. */
export const STAY_ACTION = `${STAY_FEATURE}:yes`;
/** Opens the account erasure (the erasure feature's confirmation). */
export const ERASE_ASK_ACTION = "erase:ask";


/**
 * What the maintenance asks a resident who has not written for `months` months: their data goes on
 * `eraseOn` unless they answer. Rendered per language by the publisher.
 *
 * @example
 * const message = stayQuestion(translator, "de", { months: 24, eraseOn: new Date("2026-12-31T11:00:00Z") });
 */
export interface StayQuestion {
  readonly months: number;
  readonly eraseOn: Date;
  /** The municipality's time zone (TIME_ZONE): the day residents read is the local calendar day. */
  readonly timeZone: string;
}

export function stayQuestion(translator: Translator, locale: Locale, question: StayQuestion): BroadcastMessage {
  return {
    html: translator.t(locale, "stay:question", { count: question.months, date: formatDay(question.eraseOn, locale, question.timeZone) }),
    choices: [
      [{ label: translator.t(locale, "stay:choice-stay"), action: STAY_ACTION }],
      [{ label: translator.t(locale, "stay:choice-erase"), action: ERASE_ASK_ACTION }],
    ],
  };
}

export interface StayFeatureDeps {
  readonly stay: StayStore;
}

/**
 * "I want to stay": withdraws the question and thanks the resident. Any message of theirs already
 * counts as an answer (the turn records that they were seen); the button says so explicitly and
 * works the same when pressed twice or after another message.
 */
export function createStayFeature(deps: StayFeatureDeps): Feature {
  return {
    id: STAY_FEATURE,
    // Asked are residents who took part; one whose onboarding was interrupted can still answer.
    actionsBeforeOnboarding: true,
    async handleAction(turn, verb) {
      if (verb !== "yes") {
        turn.say("common:stale-action");
        return;
      }
      await deps.stay.stay(turn.resident.id);
      turn.say("stay:thanks", {}, [[{ label: turn.t("menu:back"), action: "menu:open" }]]);
    },
  };
}
