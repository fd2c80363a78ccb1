import type { ConversationCore } from "../../../src/core/conversation/conversation-core.js";
import type { ChannelCapabilities } from "../../../src/core/model/channel-capabilities.js";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { flattenChoices } from "../../../src/core/model/outbound-message.js";

let sequence = 0;

/**
 * Onboards a resident through the core directly (language, village, privacy), as set-up for tests
 * whose subject is what comes after; the channel itself is exercised by the contract suites.
 */
export async function onboardThroughCore(
  core: ConversationCore,
  capabilities: ChannelCapabilities,
  who: Pick<InboundEvent, "channel" | "chat" | "senderId"> & { readonly localeHint?: string },
  locale: "de" | "en",
): Promise<void> {
  const send = async (payload: InboundEvent["payload"]) =>
    (
      await core.handle(
        { eventId: `${who.channel}:onboard:${++sequence}:${Date.now()}`, ...who, payload, receivedAt: new Date() },
        capabilities,
      )
    ).messages;
  await send({ type: "text", text: "/start" });
  const areas = await send({ type: "action", action: `onboarding:lang:${locale}` });
  const area = areas.flatMap((m) => flattenChoices(m)).find((c) => c.label === "Hammah");
  if (!area) throw new Error("the village Hammah was not offered");
  await send({ type: "action", action: area.action });
  await send({ type: "action", action: "onboarding:accept" });
}
