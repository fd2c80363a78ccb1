import type { Turn } from "../../conversation/turn.js";
import type { Resident } from "../../model/resident.js";

/**
 * Who runs this installation and what the privacy notice names, from configuration. Every value
 * is the municipality's own wording and is shown as written.
 *
 * @example
 * const facts: PrivacyFacts = {
 *   municipality: "Samtgemeinde Oldendorf-Himmelpforten",
 *   controller: "Samtgemeinde Oldendorf-Himmelpforten, Am Markt 1, 21709 Himmelpforten",
 *   contact: "datenschutz@oldendorf-himmelpforten.example",
 *   authority: "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover",
 *   noticeVersion: "2026-12-01",
 * };
 */
export interface PrivacyFacts {
  readonly municipality: string;
  /** The controller (Art. 13(1)(a)): name and postal address. */
  readonly controller: string;
  /** How to reach the data protection officer or contact (Art. 13(1)(b)). */
  readonly contact: string;
  /** The supervisory authority residents may complain to (Art. 13(2)(d)). */
  readonly authority: string;
  /** The version of the notice; a new one asks every resident again. */
  readonly noticeVersion: string;
}

/** The parts of the notice, in the order Art. 13 lists them; one paragraph each. */
const SECTIONS = [
  "privacy:notice-controller",
  "privacy:notice-purposes",
  "privacy:notice-legal-basis",
  "privacy:notice-messengers",
  "privacy:notice-recipients",
  "privacy:notice-storage",
  "privacy:notice-rights",
  "privacy:notice-complaint",
] as const;

/**
 * The full notice (Art. 13 GDPR) in the resident's language. One message: the channels split it
 * where it is too long for them and keep any choices with the last part.
 */
export function privacyNotice(turn: Turn, facts: PrivacyFacts): string {
  const prefix = turn.capabilities.commandPrefix;
  const values = {
    municipality: facts.municipality,
    controller: facts.controller,
    contact: facts.contact,
    authority: facts.authority,
    version: facts.noticeVersion,
    prefix,
  };
  return [turn.t("privacy:notice-title", values), ...SECTIONS.map((key) => turn.t(key, values))].join("\n\n");
}

/** Whether the resident's consent covers the configured notice version and stands. */
export function hasCurrentConsent(resident: Resident, facts: Pick<PrivacyFacts, "noticeVersion">): boolean {
  return resident.privacyWithdrawnAt === null && resident.privacyVersion === facts.noticeVersion;
}

/**
 * Whether the resident agreed once but their consent no longer covers what is asked now: they
 * withdrew it, or a newer notice (or one from before versions existed) awaits their answer.
 */
export function consentLapsed(resident: Resident, facts: Pick<PrivacyFacts, "noticeVersion">): boolean {
  return resident.privacyAcceptedAt !== null && !hasCurrentConsent(resident, facts);
}
