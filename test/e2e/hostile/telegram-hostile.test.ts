import type { Update } from "grammy/types";
import { TELEGRAM_CAPABILITIES } from "../../../src/channels/telegram/telegram-channel.js";
import { createTelegramTestbed } from "../../channels/telegram/telegram-testbed.js";
import { fullFeatures } from "./full-features.js";
import { onboardThroughCore } from "./onboard-through-core.js";
import { runHostileSuite, type HostileDriver } from "./hostile-suite.js";

/** Telegram over HTTP: grammY long-polls the loopback Bot API server, updates kept in the inbox. */
runHostileSuite("Telegram", async (): Promise<HostileDriver> => {
  const bed = await createTelegramTestbed({ features: fullFeatures });
  // Their Telegram apps are German; Eve chose English in the bot.
  const eve = { id: 6601, first_name: "Eve", username: "eve", language_code: "de" };
  const bert = { id: 6602, first_name: "Bert", language_code: "de" };
  for (const [user, locale] of [[eve, "en"], [bert, "de"]] as const) {
    await onboardThroughCore(bed.harness.core, TELEGRAM_CAPABILITIES, { channel: "telegram", chat: { id: String(user.id), kind: "private" }, senderId: `telegram:${user.id}`, localeHint: "de" }, locale);
  }
  // Bert's /help goes into the same batch as the hostile update, right behind it.
  let bystander: Promise<string[]> | undefined;
  const exchange = async (deliver: () => Update): Promise<string[]> => {
    const before = bed.server.sentMessages(eve.id).length;
    const bertBefore = bed.server.sentMessages(bert.id).length;
    const update = deliver();
    bed.server.userSendsText(bert, bert.id, "/help");
    bystander = bed.repliesAfter(bert.id, bertBefore).then((ms) => ms.map((m) => m.text ?? m.caption ?? ""));
    const query = update.callback_query;
    if (query) {
      await bystander;
      return [String(bed.server.callbackAnswer(query.id)?.["text"] ?? "")];
    }
    return (await bed.repliesAfter(eve.id, before)).map((m) => m.text ?? m.caption ?? "");
  };
  return {
    access: bed.harness.access,
    translator: bed.harness.translator,
    carries: () => true,
    attack(input) {
      switch (input.kind) {
        case "text":
          return exchange(() => bed.server.userSendsText(eve, eve.id, input.text));
        case "named-text":
          return exchange(() => bed.server.userSendsText({ ...eve, first_name: input.name, last_name: input.name }, eve.id, input.text));
        case "button-data": {
          // A hostile client can put anything into callback data, under any of the bot's messages.
          const lastMessage = bed.server.sentMessages(eve.id).at(-1);
          if (!lastMessage) throw new Error("the bot has not written to Eve yet");
          return exchange(() => bed.server.userPressesButton(eve, eve.id, lastMessage.messageId, input.data, { forged: true }));
        }
      }
    },
    async bystanderHelp() {
      if (!bystander) throw new Error("no exchange yet");
      return bystander;
    },
    dispose: () => bed.dispose(),
  };
});
