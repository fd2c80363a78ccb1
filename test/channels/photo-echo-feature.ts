import type { Feature } from "../../src/core/conversation/feature.js";
import { escapeHtml } from "../../src/core/render/plain-text.js";

/**
 * A test-only flow that asks for a photo and echoes what arrived: the picture itself when it came
 * through, and a line "status <status>; caption <caption or (none)>", so every outcome a channel
 * can hand over is visible in the chat. `/photoecho` (or `!photoecho`) enters it.
 */
export const photoEchoFeature: Feature = {
  id: "photo-echo",
  commands: [
    {
      name: "photoecho",
      scope: "private",
      descriptionKey: "help:command",
      async run(turn) {
        turn.enter("photo-echo", "waiting");
        turn.reply({ html: "Send me a photo." });
      },
    },
  ],
  async handlePhoto(turn, photo, caption) {
    const line = `status ${photo.status}; caption ${escapeHtml(caption ?? "(none)")}`;
    turn.reply(photo.status === "ok" ? { html: line, image: { bytes: photo.bytes, alt: "echo" } } : { html: line });
  },
};
