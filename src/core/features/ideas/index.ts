import type { Feature } from "../../conversation/feature.js";
import { createCouncilFeature } from "./council-feature.js";
import { createIdeasFeature } from "./ideas-feature.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { createModerationFeature } from "./moderation-feature.js";
import { createResultsFeature } from "./results-feature.js";

export { DEFAULT_IDEAS_CONFIG, type IdeasConfig, type IdeasDeps, type IdeasStores, type PublishedSurveySource } from "./ideas-deps.js";
export { fileReport, type ReportDeps } from "./participation.js";
export { toModerators, type ModeratorReach } from "./moderators.js";
export { createModerationFeature, type ModerationQueueSource } from "./moderation-feature.js";

/** Ideas, moderation, the citizens' council and its results, ready for assembleCore's extraFeatures. */
export function createIdeasFeatures(deps: IdeasDeps): Feature[] {
  return [createIdeasFeature(deps), createModerationFeature(deps), createCouncilFeature(deps), createResultsFeature(deps)];
}
