import { assembleFeatures } from "../../../src/app/create-features.js";
import type { Feature } from "../../../src/core/conversation/feature.js";
import type { HarnessContext } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";

/** Every feature the app runs (surveys, ideas, moderation, council, initiatives, subscriptions). */
export function fullFeatures(context: HarnessContext): readonly Feature[] {
  return assembleFeatures({ ...context, logger: silentLogger, organiser: "Samtgemeinde" }).features;
}
