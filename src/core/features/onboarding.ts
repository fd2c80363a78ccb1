import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import { DEEP_LINK_ACTION, type OnboardingGate } from "../conversation/conversation-core.js";
import { isLocale } from "../model/locale.js";
import type { Resident } from "../model/resident.js";
import type { Clock } from "../ports/clock.js";
import type { ConsentStore } from "../ports/consent.js";
import type { AreaStore, ResidentStore } from "../ports/stores.js";
import { formatMoment } from "../render/format-date.js";
import { consentLapsed, hasCurrentConsent, privacyNotice, type PrivacyFacts } from "./privacy/privacy-notice.js";
import { areaChoices, languageChoices, pickArea } from "./preference-choices.js";

export { privacyNotice, type PrivacyFacts } from "./privacy/privacy-notice.js";

export const ONBOARDING_FEATURE = "onboarding";

export interface OnboardingDeps {
  readonly residents: ResidentStore;
  readonly consents: ConsentStore;
  readonly areas: AreaStore;
  readonly clock: Clock;
  readonly privacy: PrivacyFacts;
  /** The municipality's time zone (TIME_ZONE), for the date of a withdrawal. */
  readonly timeZone: string;
}

type Step = "language" | "area" | "privacy";

/**
 * First contact: choose a language, a home area, accept the privacy notice. The step is kept in
 * the conversation state, so a resident who leaves half-way continues where they stopped.
 *
 * The same gate asks again whoever agreed to another version of the notice (or to one from before
 * versions existed) and whoever withdrew: only the notice then, since language and village are known.
 */
export function createOnboarding(deps: OnboardingDeps): { feature: Feature; gate: OnboardingGate } {
  function deepLinkOf(turn: Turn): string | undefined {
    const value = turn.state.flow === ONBOARDING_FEATURE ? turn.state.data["deepLink"] : undefined;
    return typeof value === "string" ? value : undefined;
  }

  async function ask(turn: Turn, step: Step, deepLink: string | undefined): Promise<void> {
    turn.enter(ONBOARDING_FEATURE, step, deepLink ? { deepLink } : {});
    if (step === "language") {
      turn.say("onboarding:welcome", { municipality: deps.privacy.municipality }, languageChoices(turn, "onboarding:lang"));
    } else if (step === "area") {
      turn.say("onboarding:choose-area", {}, areaChoices(await deps.areas.list(), "onboarding:area"));
    } else {
      turn.reply({
        html: [...consentIntro(turn), privacyNotice(turn, deps.privacy), turn.t("onboarding:privacy-question")].join("\n\n"),
        choices: [
          [
            { label: turn.t("onboarding:accept"), action: "onboarding:accept" },
            { label: turn.t("onboarding:decline"), action: "onboarding:decline" },
          ],
        ],
      });
    }
  }

  async function nextStep(resident: Resident): Promise<Step> {
    if (!resident.locale) return "language";
    // An installation without configured areas skips the question rather than trapping residents.
    if (resident.homeAreaId === null && (await deps.areas.list()).length > 0) return "area";
    return "privacy";
  }

  /** Why a resident who agreed before is asked again; nothing for a first contact. */
  function consentIntro(turn: Turn): string[] {
    const resident = turn.resident;
    if (resident.privacyWithdrawnAt) {
      return [turn.t("onboarding:consent-withdrawn-intro", { date: formatMoment(resident.privacyWithdrawnAt, turn.locale, deps.timeZone) })];
    }
    if (consentLapsed(resident, deps.privacy)) return [turn.t("onboarding:notice-changed-intro", { version: deps.privacy.noticeVersion })];
    return [];
  }

  async function finish(turn: Turn, deepLink: string | undefined): Promise<void> {
    const again = turn.resident.onboardedAt !== null;
    turn.setResident(await deps.consents.give(turn.resident.id, deps.privacy.noticeVersion, deps.clock.now()));
    turn.leave();
    if (again) {
      turn.say("onboarding:consent-renewed", { version: deps.privacy.noticeVersion });
    } else {
      const area = turn.resident.homeAreaId === null ? undefined : await deps.areas.get(turn.resident.homeAreaId);
      if (area) turn.say("onboarding:done", { area: area.name });
      else {
        // No villages were there to choose from: say so instead of naming an empty one.
        const isAdmin = (await turn.roles()).some((g) => g.role === "admin");
        turn.reply({ html: [turn.t("onboarding:done-no-areas"), ...(isAdmin ? [turn.t("onboarding:no-areas-admin")] : [])].join("\n\n") });
      }
    }
    await turn.dispatch(deepLink ? `${DEEP_LINK_ACTION}:${deepLink}` : "menu:open");
  }

  const isComplete = (resident: Resident) => resident.onboardedAt !== null && hasCurrentConsent(resident, deps.privacy);

  const feature: Feature = {
    id: ONBOARDING_FEATURE,
    async handleAction(turn, verb, args) {
      const deepLink = deepLinkOf(turn);
      if (isComplete(turn.resident)) {
        turn.say("onboarding:already-done");
        return turn.dispatch("menu:open");
      }
      if (verb === "lang" && isLocale(args[0])) {
        turn.setResident(await deps.residents.update(turn.resident.id, { locale: args[0] }));
        return ask(turn, await nextStep(turn.resident), deepLink);
      }
      if (verb === "area") {
        const area = pickArea(await deps.areas.list(), args[0]);
        if (!area) {
          turn.say("common:stale-action");
          return ask(turn, "area", deepLink);
        }
        turn.setResident(await deps.residents.update(turn.resident.id, { homeAreaId: area.id }));
        return ask(turn, await nextStep(turn.resident), deepLink);
      }
      if (verb === "accept" && (await nextStep(turn.resident)) === "privacy") return finish(turn, deepLink);
      if (verb === "decline") {
        turn.enter(ONBOARDING_FEATURE, "privacy", deepLink ? { deepLink } : {});
        // Someone with an account keeps their rights without consent: the privacy screen leads to them.
        const account = turn.resident.onboardedAt !== null;
        turn.say(account ? "onboarding:declined-again" : "onboarding:declined", {}, [
          [{ label: turn.t("onboarding:read-again"), action: "onboarding:privacy" }],
          ...(account ? [[{ label: turn.t("onboarding:privacy-screen"), action: "privacy:open" }]] : []),
        ]);
        return;
      }
      return ask(turn, await nextStep(turn.resident), deepLink);
    },
    async handleText(turn) {
      turn.say("onboarding:use-choices");
      await ask(turn, await nextStep(turn.resident), deepLinkOf(turn));
    },
  };

  const gate: OnboardingGate = {
    featureId: ONBOARDING_FEATURE,
    isComplete,
    consentLapsed: (resident) => consentLapsed(resident, deps.privacy),
    resume: async (turn, deepLink) => ask(turn, await nextStep(turn.resident), deepLink ?? deepLinkOf(turn)),
  };
  return { feature, gate };
}
