import { describe, expect, it } from "vitest";
import { createContentCache } from "../../src/delivery/content-cache.js";

const text = (html: string) => ({ html });
const withImage = (html: string, bytes: number) => ({ html, image: { bytes: new Uint8Array(bytes), alt: "Foto" } });

describe("the dispatcher's content cache", () => {
  it("keeps at most its number of contents, dropping the oldest", () => {
    const cache = createContentCache({ entries: 2, imageBytes: 1000 });
    cache.set("1:de", text("eins"));
    cache.set("2:de", text("zwei"));
    cache.set("3:de", text("drei"));
    expect([cache.get("1:de"), cache.get("2:de")?.html, cache.get("3:de")?.html]).toEqual([undefined, "zwei", "drei"]);
  });

  it("keeps the pictures within their byte budget, but always the newest content", () => {
    const cache = createContentCache({ entries: 10, imageBytes: 1000 });
    cache.set("1:de", withImage("a", 400));
    cache.set("2:de", text("b"));
    cache.set("3:de", withImage("c", 500));
    expect(cache.imageBytes).toBe(900);
    cache.set("4:de", withImage("d", 300)); // 1,200 bytes: the oldest picture goes
    expect(cache.get("1:de")).toBeUndefined();
    expect(cache.imageBytes).toBe(800);
    expect(cache.size).toBe(3);
    cache.set("5:de", withImage("e", 5000)); // larger than the budget alone
    expect(cache.size).toBe(1);
    expect(cache.get("5:de")?.html).toBe("e");
    expect(cache.imageBytes).toBe(5000);
  });

  it("counts a replaced content once", () => {
    const cache = createContentCache({ entries: 10, imageBytes: 1000 });
    cache.set("1:de", withImage("a", 400));
    cache.set("1:de", withImage("a", 400));
    expect(cache.imageBytes).toBe(400);
  });
});
