import { describe, expect, it } from "vitest";
import { dayStamp, formatDay, formatMoment, formatShortDay, isTimeZone } from "../../../src/core/render/format-date.js";

describe("dates as people read them", () => {
  const lateEvening = new Date("2026-12-31T23:30:00Z");

  it("shows the municipality's local time in the reader's format, never ISO or UTC", () => {
    expect(formatMoment(lateEvening, "de", "Europe/Berlin")).toBe("01.01.2027, 00:30");
    expect(formatMoment(lateEvening, "en", "Europe/Berlin")).toMatch(/^1 Jan 2027, 00:30$|^Jan 1, 2027, 12:30\s?AM$/);
    expect(formatMoment(new Date("2026-07-01T10:00:00Z"), "de", "Europe/Berlin")).toBe("01.07.2026, 12:00");
    expect(formatMoment(lateEvening, "de", "America/New_York")).toBe("31.12.2026, 18:30");
  });

  it("names the local calendar day, long and short, and stamps file names by it", () => {
    expect(formatDay(lateEvening, "de", "Europe/Berlin")).toBe("1. Januar 2027");
    expect(formatShortDay(lateEvening, "de", "Europe/Berlin")).toBe("01.01.2027");
    expect(formatShortDay(lateEvening, "de", "UTC")).toBe("31.12.2026");
    expect(dayStamp(lateEvening, "Europe/Berlin")).toBe("2027-01-01");
  });

  it("knows an IANA zone from anything else", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Berlin/Mitte")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
