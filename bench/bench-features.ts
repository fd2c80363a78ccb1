/**
 * The features beyond the foundation that the benchmarks drive, and the activities residents do
 * with them. Kept in one place so the throughput and Telegram benchmarks assemble the same core.
 */
import type { Feature } from "../src/core/conversation/feature.js";
import type { Clock } from "../src/core/ports/clock.js";
import type { Logger } from "../src/core/ports/logger.js";
import type { Translator } from "../src/core/ports/translator.js";
import type { FoundationStores } from "../src/storage/create-stores.js";
import type { PrismaAccess } from "../src/storage/prisma-access.js";
import type { PrismaClient } from "../src/storage/generated/prisma/client.js";
import type { Activity } from "./resident-mix.js";

export interface FeatureSetupDeps {
  readonly prisma: PrismaClient;
  readonly access: PrismaAccess;
  readonly stores: FoundationStores;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface BenchFeatures {
  readonly features: readonly Feature[];
  readonly activities: readonly Activity[];
  /** Which capabilities the mix covers, for the report. */
  readonly covered: readonly string[];
}

/** Builds the extra features and seeds what their activities need (e.g. an open survey). */
export async function setupBenchFeatures(deps: FeatureSetupDeps): Promise<BenchFeatures> {
  void deps;
  return { features: [], activities: [], covered: ["onboarding", "menu", "settings", "help", "free text"] };
}
