import { describe, expect, it } from "vitest";
import { keepReply, restoreReply } from "../../../src/core/model/kept-reply.js";
import type { OutboundMessage } from "../../../src/core/model/outbound-message.js";

const placeholder = { image: (alt: string) => `[Bild: ${alt}]`, file: (name: string) => `[Datei ${name}: bitte neu anfordern]` };

describe("kept replies", () => {
  it("keep text and buttons as they were", () => {
    const messages: OutboundMessage[] = [
      { html: "<b>Menü</b>", choices: [[{ label: "Ideen", action: "ideas:list" }], [{ label: "Umfragen", action: "surveys:list" }]] },
      { html: "Danke!" },
      { html: "Foto?", choices: [[{ label: "Ohne Foto", action: "ideas:nophoto" }]], awaitsPhoto: true },
    ];
    const kept = keepReply("de", messages);
    expect(kept).toEqual({ locale: "de", messages });
    expect(restoreReply(kept, placeholder)).toEqual(messages);
  });

  it("keep a picture as its description, never its bytes", () => {
    const kept = keepReply("de", [{ html: "Vorschau", image: { bytes: new Uint8Array(1024), alt: "Foto: Bank am Teich" } }]);
    expect(JSON.stringify(kept)).not.toContain("bytes");
    expect(kept.messages).toEqual([{ html: "Vorschau", imageAlt: "Foto: Bank am Teich" }]);
    expect(restoreReply(kept, placeholder)).toEqual([{ html: "Vorschau\n\n[Bild: Foto: Bank am Teich]" }]);
  });

  it("keep a file as its name only: its bytes are personal data and never stored with the event", () => {
    const secret = "Anna Müller, Am Dorfteich 3";
    const bytes = new TextEncoder().encode(JSON.stringify({ name: secret }));
    const kept = keepReply("de", [{ html: "Deine Daten", file: { bytes, fileName: "mydata-2026-11-27.json", mimeType: "application/json" }, choices: [[{ label: "Menü", action: "menu:open" }]] }]);
    expect(JSON.stringify(kept)).not.toContain("Anna");
    expect(JSON.stringify(kept)).not.toContain("bytes");
    expect(kept.messages).toEqual([{ html: "Deine Daten", fileName: "mydata-2026-11-27.json", choices: [[{ label: "Menü", action: "menu:open" }]] }]);
    expect(restoreReply(kept, placeholder)).toEqual([
      { html: "Deine Daten\n\n[Datei mydata-2026-11-27.json: bitte neu anfordern]", choices: [[{ label: "Menü", action: "menu:open" }]] },
    ]);
  });

  it("drop an empty button list", () => {
    expect(keepReply("en", [{ html: "x", choices: [] }]).messages).toEqual([{ html: "x" }]);
  });
});
