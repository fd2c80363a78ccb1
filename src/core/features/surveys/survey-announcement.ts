import { DEEP_LINK_ACTION } from "../../conversation/conversation-core.js";
import type { Locale } from "../../model/locale.js";
import type { BroadcastMessage } from "../../ports/publisher.js";
import { localized, type Survey } from "../../model/survey.js";
import type { Translator } from "../../ports/translator.js";
import { formatMoment } from "../../render/format-date.js";

/** The deep-link payload that opens a survey in the private chat: "survey_12". */
export function surveyDeepLink(surveyId: number): string {
  return `survey_${surveyId}`;
}

/**
 * The announcement of a survey for groups, rooms and feed subscribers. Answers are never collected
 * in a group, so it leads to the private chat in two ways: the text names the command to send
 * privately ("/start survey_12"), which works everywhere, and the choice carries the core action
 * "deeplink:survey_12", which a channel with link buttons should render as a link that opens the
 * private chat (Telegram: https://t.me/<bot>?start=survey_12). Chosen in a group anyway, the survey
 * feature answers with the same instruction instead of asking questions there.
 */
export function announcement(translator: Translator, locale: Locale, survey: Survey, timeZone: string): BroadcastMessage {
  const link = surveyDeepLink(survey.id);
  return {
    html: translator.t(locale, "surveys:announcement", {
      title: localized(survey.title, locale),
      intro: localized(survey.intro, locale),
      count: survey.questions.length,
      closes: formatMoment(survey.closesAt, locale, timeZone),
      command: `/start ${link}`,
    }),
    choices: [[{ label: translator.t(locale, "surveys:announcement-button"), action: `${DEEP_LINK_ACTION}:${link}` }]],
  };
}
