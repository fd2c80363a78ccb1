import { loadConfig, privacyFactsOf } from "../../src/config.js";
import type { PrivacyFacts } from "../../src/core/features/privacy/privacy-notice.js";

/**
 * The privacy facts tests run with: the configuration's defaults (Lower Saxony's authority, the
 * default notice version) with a contact address tests can look for.
 *
 * @example
 * assembleCore({ ...deps, privacy: testPrivacyFacts({ noticeVersion: "2027-01-01" }) });
 */
export function testPrivacyFacts(overrides: Partial<PrivacyFacts> = {}): PrivacyFacts {
  return { ...privacyFactsOf(loadConfig({ PRIVACY_CONTACT: "datenschutz@example.org" })), ...overrides };
}
