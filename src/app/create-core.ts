import { createConversationCore, type ConversationCore } from "../core/conversation/conversation-core.js";
import type { Feature } from "../core/conversation/feature.js";
import { createHelpFeature } from "../core/features/help.js";
import { createWhoamiFeature } from "../core/features/whoami.js";
import { createLinkFeature } from "../core/features/link.js";
import { createMenuFeature } from "../core/features/menu.js";
import { createMyDataFeature } from "../core/features/my-data.js";
import { createOnboarding, type PrivacyFacts } from "../core/features/onboarding.js";
import { createPrivacyFeature } from "../core/features/privacy/index.js";
import { createSettingsFeature } from "../core/features/settings.js";
import { createUpcomingFeature, type UpcomingTopic } from "../core/features/upcoming.js";
import type { Clock } from "../core/ports/clock.js";
import { DEFAULT_TIME_ZONE } from "../core/render/format-date.js";
import type { Logger } from "../core/ports/logger.js";
import type { Translator } from "../core/ports/translator.js";
import type { FoundationStores } from "../storage/create-stores.js";
import { createResidentDataExport } from "../storage/privacy/resident-export.js";

export interface CoreAssemblyDeps {
  readonly stores: FoundationStores;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly privacy: PrivacyFacts;
  /** Features of later capabilities (surveys, ideas, …), added by the composition root. */
  readonly extraFeatures?: readonly Feature[];
  readonly generateLinkCode?: () => string;
  /** The municipality's time zone (TIME_ZONE) for every date people read; default Europe/Berlin. */
  readonly timeZone?: string;
}

/** Wires the foundation's features and any extra ones into one conversation core. */
export function assembleCore(deps: CoreAssemblyDeps): ConversationCore {
  const { stores, clock, privacy } = deps;
  const extra = deps.extraFeatures ?? [];
  const timeZone = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const onboarding = createOnboarding({ residents: stores.residents, consents: stores.consents, areas: stores.areas, clock, privacy, timeZone });
  const features: Feature[] = [
    onboarding.feature,
    createSettingsFeature({ residents: stores.residents, areas: stores.areas }),
    createPrivacyFeature({ consents: stores.consents, clock, privacy, audit: stores.audit, timeZone }),
    createLinkFeature({
      links: stores.links,
      residents: stores.residents,
      roles: stores.roles,
      areas: stores.areas,
      audit: stores.audit,
      clock,
      ...(deps.generateLinkCode ? { generateCode: deps.generateLinkCode } : {}),
    }),
    // "My data" (/mydata, Settings → Privacy): everything stored about the resident, as a file.
    createMyDataFeature({ exports: createResidentDataExport(stores.unitOfWork, clock), areas: stores.areas, audit: stores.audit, timeZone }),
    ...extra,
  ];
  const provided = new Set(features.flatMap((f) => f.menuEntries ?? []).map((e) => e.labelKey));
  const missing = (["surveys", "ideas", "initiatives", "results"] as const).filter(
    (topic: UpcomingTopic) => !provided.has(`menu:${topic}`),
  );
  if (missing.length > 0) features.push(createUpcomingFeature(missing));
  const commands = () => core.commands();
  features.push(createHelpFeature(commands));
  features.push(createWhoamiFeature());
  features.push(createMenuFeature(() => features.flatMap((f) => f.menuEntries ?? [])));
  const core = createConversationCore({
    features,
    onboarding: onboarding.gate,
    unitOfWork: stores.unitOfWork,
    turns: stores.turns,
    residents: stores.residents,
    roles: stores.roles,
    translator: deps.translator,
    clock,
    logger: deps.logger,
  });
  return core;
}
