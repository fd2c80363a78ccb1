import type { Update } from "grammy/types";
import { runChannelContract, type ContractHarness, type ContractReply } from "../channel-contract.js";
import { TELEGRAM_CAPABILITIES } from "../../../src/channels/telegram/telegram-channel.js";
import type { SentMessage } from "../../support/telegram/bot-api-server.js";
import { buttonsOf, createTelegramTestbed } from "./telegram-testbed.js";

/** The Telegram channel behind the contract: text through getUpdates, choices as button presses. */
async function createTelegramContractHarness(): Promise<ContractHarness> {
  const bed = await createTelegramTestbed();
  const resident = { id: 4301, first_name: "Clara", language_code: "de" };
  let lastUpdate: Update | undefined;

  const toReply = (m: SentMessage): ContractReply => ({ text: m.text ?? m.caption ?? "", choices: buttonsOf(m).map((b) => b.label) });
  const exchange = async (deliver: () => Update): Promise<ContractReply[]> => {
    const before = bed.server.sentMessages(resident.id).length;
    lastUpdate = deliver();
    return (await bed.repliesAfter(resident.id, before)).map(toReply);
  };

  return {
    capabilities: TELEGRAM_CAPABILITIES,
    sendText: (text) => exchange(() => bed.server.userSendsText(resident, resident.id, text)),
    choose(index) {
      const withButtons = bed.server.sentMessages(resident.id).filter((m) => buttonsOf(m).length > 0).at(-1);
      const button = buttonsOf(withButtons)[index - 1];
      if (!withButtons || !button) throw new Error(`no button ${index} on the latest message`);
      return exchange(() => bed.server.userPressesButton(resident, resident.id, withButtons.messageId, button.data));
    },
    async redeliverLast() {
      if (!lastUpdate) throw new Error("nothing delivered yet");
      const before = bed.server.sentMessages(resident.id).length;
      bed.server.pushUpdate(lastUpdate);
      // Nothing may come back; wait long enough that a reply would have arrived.
      await new Promise((resolve) => setTimeout(resolve, 750));
      return bed.server.sentMessages(resident.id).slice(before).map(toReply);
    },
    dispose: () => bed.dispose(),
  };
}

runChannelContract("telegram", createTelegramContractHarness);
