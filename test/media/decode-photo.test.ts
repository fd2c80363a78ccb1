import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS } from "../../src/core/model/photo.js";
import { decodePhoto } from "../../src/media/decode-photo.js";
import { cameraJpeg, exifTags, flatPng, GPS_POINTER_TAG, ORIENTATION_TAG, pixelAt } from "../support/camera-photo.js";
import { silentLogger } from "../support/silent-logger.js";
import { tinyPng } from "../support/tiny-png.js";

const log = silentLogger;

describe("decoding a resident's photo", () => {
  it("stores a camera JPEG upright, re-encoded, without any EXIF, GPS position included", async () => {
    const original = await cameraJpeg({ width: 640, height: 480 });
    const before = await sharp(original).metadata();
    // The fixture really carries what must go: orientation and a GPS directory.
    expect(before.orientation).toBe(6);
    expect([...exifTags(before.exif!)]).toEqual(expect.arrayContaining([GPS_POINTER_TAG, ORIENTATION_TAG]));

    const decoded = await decodePhoto(original, "image/jpeg", log);
    expect(decoded.status).toBe("ok");
    if (decoded.status !== "ok") return;
    expect(decoded.mimeType).toBe("image/jpeg");
    const after = await sharp(decoded.bytes).metadata();
    expect(after.format).toBe("jpeg");
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    // Turned clockwise: portrait now, the stored left (red) half on top, the right (blue) below.
    expect([after.width, after.height]).toEqual([480, 640]);
    const [topRed, , topBlue] = await pixelAt(decoded.bytes, 240, 10);
    const [bottomRed, , bottomBlue] = await pixelAt(decoded.bytes, 240, 630);
    expect(topRed).toBeGreaterThan(180);
    expect(topBlue).toBeLessThan(80);
    expect(bottomBlue).toBeGreaterThan(180);
    expect(bottomRed).toBeLessThan(80);
  });

  it("keeps a PNG a lossless PNG with the same pixels", async () => {
    const png = tinyPng(6, [30, 90, 200]);
    const decoded = await decodePhoto(png, "image/png", log);
    expect(decoded.status).toBe("ok");
    if (decoded.status !== "ok") return;
    expect(decoded.mimeType).toBe("image/png");
    expect(await pixelAt(decoded.bytes, 5, 5)).toEqual([30, 90, 200]);
  });

  it("refuses a JPEG cut short in its image data, and one with corrupt image data, as damaged", async () => {
    const original = await cameraJpeg({ width: 640, height: 480, noisy: true });
    expect(await decodePhoto(original.subarray(0, 55), "image/jpeg", log)).toEqual({ status: "damaged" });
    expect(await decodePhoto(original.subarray(0, original.length >> 1), "image/jpeg", log)).toEqual({ status: "damaged" });
    const corrupt = Buffer.from(original);
    for (let i = corrupt.length >> 1; i < (corrupt.length >> 1) + 200; i++) corrupt[i]! ^= 0x5a;
    expect(await decodePhoto(corrupt, "image/jpeg", log)).toEqual({ status: "damaged" });
  });

  it("refuses a PNG cut short in its image data as damaged", async () => {
    const png = await sharp(await cameraJpeg({ width: 200, height: 100, noisy: true })).png().toBuffer();
    expect(await decodePhoto(png.subarray(0, png.length >> 1), "image/png", log)).toEqual({ status: "damaged" });
  });

  it("refuses a small PNG that would decode to 100 megapixels before decoding it", async () => {
    const bomb = await flatPng(10_000, 10_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await decodePhoto(bomb, "image/png", log)).toEqual({ status: "too-large" });
    // Just within the budget is decoded (4000 × 4000 = 16 MP).
    expect(PHOTO_MAX_PIXELS).toBe(16_000_000);
    expect((await decodePhoto(await flatPng(4000, 4000), "image/png", log)).status).toBe("ok");
  });

  it("refuses bytes whose format is not the one their header claimed", async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } }).gif().toBuffer();
    expect(await decodePhoto(gif, "image/png", log)).toEqual({ status: "unsupported" });
  });

  it("turns a PNG whose new encoding would pass the byte limit into a JPEG", async () => {
    // 1400 × 1400 of noise: about 5.9 MB as PNG, so only a JPEG stays within the limit.
    const png = await sharp(randomBytes(1400 * 1400 * 3), { raw: { width: 1400, height: 1400, channels: 3 } }).png().toBuffer();
    expect(png.length).toBeGreaterThan(PHOTO_MAX_BYTES); // the header check would refuse it; here the decoder is asked
    const decoded = await decodePhoto(png, "image/png", log);
    expect(decoded.status).toBe("ok");
    if (decoded.status !== "ok") return;
    expect(decoded.mimeType).toBe("image/jpeg");
    expect(decoded.bytes.length).toBeLessThanOrEqual(PHOTO_MAX_BYTES);
  });
});
