export { createPrivacyFeature, PRIVACY_FEATURE, MY_DATA_ACTION, ERASE_ACTION, type PrivacyFeatureDeps } from "./privacy-feature.js";
export { privacyNotice, hasCurrentConsent, consentLapsed, type PrivacyFacts } from "./privacy-notice.js";
