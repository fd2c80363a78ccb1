import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ConversationCore } from "../../core/conversation/conversation-core.js";
import type { ChannelCapabilities } from "../../core/model/channel-capabilities.js";
import type { InboundEvent, InboundPayload } from "../../core/model/inbound-event.js";
import type { Locale } from "../../core/model/locale.js";
import type { OutboundMessage } from "../../core/model/outbound-message.js";
import type { Logger } from "../../core/ports/logger.js";
import type { Translator } from "../../core/ports/translator.js";
import { htmlToPlain, numberedChoiceLines } from "../../core/render/plain-text.js";
import { cleanText } from "../../core/text/clean-text.js";
import type { ChannelSender } from "../../core/ports/channel-sender.js";
import { receivePhoto } from "../receive-photo.js";
import { writeConsoleFile } from "./console-files.js";
import { filePhotoSource, photoFileIn, type PathContext } from "./console-photo.js";

/** Printed after every bot message, so messages with blank lines inside stay recognisable. */
export const MESSAGE_RULE = "──────────";

/**
 * The terminal has no buttons, images or HTML, and no limit on how long a message may be. Files
 * are written into a folder and their path shown (a channel without `filesDir` offers none).
 */
export const CONSOLE_CAPABILITIES: ChannelCapabilities = { buttons: false, images: false, html: false, edits: false, files: true, commandPrefix: "/", limits: {} };

export interface ConsoleChannelDeps {
  readonly core: ConversationCore;
  readonly translator: Translator;
  readonly logger: Logger;
  readonly input: Readable;
  readonly output: Writable;
  /** The local person's identity, e.g. "console:anna". */
  readonly userId: string;
  readonly localeHint?: string;
  /** Called once the input ends (Ctrl-D or a closed pipe). */
  readonly onClose?: () => void;
  /** Where typed photo paths are resolved; the process's working and home directory by default. */
  readonly paths?: PathContext;
  /**
   * The folder files the bot hands over (a data export) are written to, e.g.
   * `<MITREDEN_DATA_DIR>/exports`; created for the owner only. Without it no file is offered.
   */
  readonly filesDir?: string;
}

export interface ConsoleChannel {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every line read so far has been answered. */
  idle(): Promise<void>;
  /** Shows outbox deliveries (notifications, feed items) for the local resident in the terminal. */
  readonly sender: ChannelSender;
}

/**
 * Renders one outbound message for a plain terminal: text, image alt text, where a file was
 * written (`filePath`; a file that could not be written is named as not saved), how to send a
 * photo where one is asked for, numbered choices.
 */
export function renderForConsole(message: OutboundMessage, locale: Locale, translator: Translator, filePath?: string): string {
  const parts = [htmlToPlain(message.html)];
  if (message.image) parts.push(htmlToPlain(translator.t(locale, "common:image-placeholder", { alt: message.image.alt })));
  if (message.file) {
    parts.push(
      htmlToPlain(
        filePath === undefined
          ? translator.t(locale, "console:file-not-saved", { name: message.file.fileName })
          : translator.t(locale, "console:file-saved", { path: filePath }),
      ),
    );
  }
  if (message.awaitsPhoto) parts.push(htmlToPlain(translator.t(locale, "console:photo-hint")));
  const choices = numberedChoiceLines(message);
  if (choices.length > 0) parts.push(choices.join("\n"));
  return parts.join("\n");
}

/**
 * The terminal channel: one local resident chatting through stdin/stdout. It has no buttons, so
 * choices appear as a numbered list and the reply "2" picks the second one. A line naming an
 * existing .jpg/.jpeg/.png file is sent as a photo, read and checked as the messengers' are.
 */
export function createConsoleChannel(deps: ConsoleChannelDeps): ConsoleChannel {
  let reader: Interface | undefined;
  let queue: Promise<void> = Promise.resolve();
  const chat = { id: deps.userId.replace(/^console:/, ""), kind: "private" as const };

  const write = (text: string) => {
    deps.output.write(`${text}\n${MESSAGE_RULE}\n`);
  };
  const capabilities: ChannelCapabilities = { ...CONSOLE_CAPABILITIES, files: deps.filesDir !== undefined };

  /** Shows one message; its file, if any, is written first so the path can be shown. */
  async function show(message: OutboundMessage, locale: Locale): Promise<void> {
    if (message.file && message.image) throw new Error("a message carries an image or a file, not both");
    const path = message.file && deps.filesDir !== undefined ? await writeConsoleFile(deps.filesDir, message.file) : undefined;
    write(renderForConsole(message, locale, deps.translator, path));
  }

  /** A photo when the line names a photo file, otherwise the text as typed. */
  async function payloadOf(text: string, log: Logger): Promise<InboundPayload> {
    const file = await photoFileIn(text, deps.paths);
    if (!file) return { type: "text", text };
    // Read and checked before the core runs, as the messengers' downloads are.
    return { type: "photo", photo: await receivePhoto(filePhotoSource(file), log) };
  }

  async function deliver(text: string): Promise<void> {
    const eventId = `console:${randomUUID()}`;
    const log = deps.logger.child({ eventId, channel: "console" });
    try {
      const payload = await payloadOf(text, log);
      const event: InboundEvent = {
        eventId,
        channel: "console",
        chat,
        // The terminal is one person's private chat by construction.
        trustedPrivateChatId: chat.id,
        senderId: deps.userId,
        ...(deps.localeHint ? { localeHint: deps.localeHint } : {}),
        payload,
        receivedAt: new Date(),
      };
      const result = await deps.core.handle(event, capabilities);
      for (const message of result.messages) await show(message, result.locale);
    } catch (error) {
      log.error({ err: error, text: text.slice(0, 200) }, "handling a terminal message failed");
      const locale = await deps.core.localeFor(deps.userId, deps.localeHint);
      write(htmlToPlain(deps.translator.t(locale, "common:apology")));
    }
  }

  function enqueue(text: string): void {
    queue = queue.then(() => deliver(text));
  }

  const sender: ChannelSender = {
    channel: "console",
    numbersChoices: true,
    async send(chatId, message, locale) {
      if (chatId !== chat.id) return { kind: "gone", reason: "not the local terminal" };
      await show(message, locale);
      return { kind: "sent" };
    },
  };

  return {
    sender,
    async start() {
      reader = createInterface({ input: deps.input, terminal: false });
      reader.on("line", (line) => {
        // A pipe can carry anything, NUL included; what reaches a flow is cleaned first.
        // A line of nothing but control characters is answered too ("not understood"), so the
        // person typing is not left without a word; a blank line is not.
        if (line.trim() !== "") enqueue(cleanText(line).trim());
      });
      reader.on("close", () => {
        void queue.then(() => deps.onClose?.());
      });
      // Greets on start-up, or resumes an onboarding that was left half-way.
      enqueue("/start");
      await queue;
    },
    async stop() {
      reader?.close();
      reader = undefined;
      await queue;
    },
    idle: () => queue,
  };
}
