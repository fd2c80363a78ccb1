import { describe, expect, it } from "vitest";
import {
  CallbackDataTooLongError,
  createCallbackCodec,
  deriveCallbackSecret,
  MAX_ACTION_BYTES,
} from "../../../src/channels/telegram/callback-codec.js";
import { telegramDeepLink } from "../../../src/channels/telegram/deep-link.js";

describe("callback codec", () => {
  const codec = createCallbackCodec({ secret: deriveCallbackSecret("7000000001:AAH-token") });

  it("round-trips actions within 64 bytes", () => {
    const longest = `a:${"b".repeat(MAX_ACTION_BYTES - 2)}`;
    for (const action of ["settings:lang:en", "onboarding:area:12", longest]) {
      const data = codec.encode(42, action);
      expect(Buffer.byteLength(data, "utf8")).toBeLessThanOrEqual(64);
      expect(codec.decode(42, data)).toEqual({ ok: true, action });
      expect(codec.decode("42", data)).toEqual({ ok: true, action });
    }
  });

  it("refuses actions that do not fit, counting bytes not characters", () => {
    expect(() => codec.encode(42, `a:${"b".repeat(MAX_ACTION_BYTES - 1)}`)).toThrow(CallbackDataTooLongError);
    expect(() => codec.encode(42, `a:${"ä".repeat(MAX_ACTION_BYTES / 2)}`)).toThrow(CallbackDataTooLongError);
    expect(() => codec.encode(42, "")).toThrow(CallbackDataTooLongError);
  });

  it("rejects tampered, foreign, truncated and differently keyed data", () => {
    const data = codec.encode(42, "settings:lang:en");
    expect(codec.decode(42, data.replace(/en$/, "de"))).toEqual({ ok: false, reason: "bad-signature" });
    expect(codec.decode(43, data)).toEqual({ ok: false, reason: "bad-signature" });
    expect(codec.decode(42, data.slice(0, 10))).toEqual({ ok: false, reason: "malformed" });
    expect(codec.decode(42, "x".repeat(65))).toEqual({ ok: false, reason: "malformed" });
    const other = createCallbackCodec({ secret: deriveCallbackSecret("7000000001:AAH-other") });
    expect(other.decode(42, data).ok).toBe(false);
  });

  it("needs a secret of some length", () => {
    expect(() => createCallbackCodec({ secret: "short" })).toThrow(/16 bytes/);
  });
});

describe("deep links", () => {
  it("builds t.me links with a checked payload", () => {
    expect(telegramDeepLink("@mitreden_bot", "survey_12")).toBe("https://t.me/mitreden_bot?start=survey_12");
    expect(() => telegramDeepLink("mitreden_bot", "survey 12")).toThrow(/payload/);
    expect(() => telegramDeepLink("mitreden_bot", "x".repeat(65))).toThrow(/payload/);
    expect(() => telegramDeepLink("a b", "survey_12")).toThrow(/username/);
  });
});
