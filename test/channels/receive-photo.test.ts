/**
 * What every channel (Telegram, Matrix, the terminal) makes of a photo's bytes once downloaded:
 * the header check first, then the real decode, so only a picture that decodes, within the pixel
 * budget and without metadata, reaches the core.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { receivePhoto, type PhotoSource } from "../../src/channels/receive-photo.js";
import { cameraJpeg, exifTags, flatPng, GPS_POINTER_TAG, pixelAt } from "../support/camera-photo.js";
import { silentLogger } from "../support/silent-logger.js";
import { tinyJpeg } from "../support/tiny-jpeg.js";
import { tinyPng } from "../support/tiny-png.js";

/** A source that hands over `bytes` as a platform would after a complete download. */
const sent = (bytes: Uint8Array): PhotoSource => ({ declaredBytes: bytes.length, download: async () => bytes });

describe("receiving a photo", () => {
  it("accepts an ordinary JPEG and PNG as pictures of the same size and colour", async () => {
    const jpeg = await receivePhoto(sent(tinyJpeg(24, 16, "Bank")), silentLogger);
    expect(jpeg.status === "ok" && jpeg.mimeType).toBe("image/jpeg");
    const png = await receivePhoto(sent(tinyPng(6, [30, 90, 200])), silentLogger);
    expect(png.status === "ok" && png.mimeType).toBe("image/png");
    if (jpeg.status !== "ok" || png.status !== "ok") return;
    expect(await sharp(jpeg.bytes).metadata()).toMatchObject({ format: "jpeg", width: 24, height: 16 });
    expect(await pixelAt(png.bytes, 3, 3)).toEqual([30, 90, 200]);
  });

  it("keeps no EXIF of a camera photo, above all not where it was taken, and turns it upright", async () => {
    const original = await cameraJpeg({ width: 4032, height: 3024, noisy: true });
    expect(exifTags((await sharp(original).metadata()).exif!).has(GPS_POINTER_TAG)).toBe(true);
    const photo = await receivePhoto(sent(original), silentLogger);
    expect(photo.status).toBe("ok");
    if (photo.status !== "ok") return;
    const stored = await sharp(photo.bytes).metadata();
    expect(stored.exif).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    expect([stored.width, stored.height]).toEqual([3024, 4032]);
    // Nothing of the original's metadata survives in the bytes themselves either.
    expect(Buffer.from(photo.bytes).includes(Buffer.from("Phonemaker"))).toBe(false);
    expect(Buffer.from(photo.bytes).includes(Buffer.from("Exif\0\0"))).toBe(false);
  });

  it("refuses a JPEG cut short, whether before its size or within its image data", async () => {
    const original = await cameraJpeg({ width: 640, height: 480, noisy: true });
    expect(await receivePhoto(sent(original.subarray(0, 55)), silentLogger)).toEqual({ status: "damaged" });
    // The header is complete here, only decoding finds the end missing.
    expect(await receivePhoto(sent(original.subarray(0, Math.floor(original.length * 0.6))), silentLogger)).toEqual({ status: "damaged" });
  });

  it("refuses a 100 KB PNG that would decode to 100 MB, which the header check lets through", async () => {
    const bomb = await flatPng(5000, 5000); // width + height = 10,000: showable on Telegram by size
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(await receivePhoto(sent(bomb), silentLogger)).toEqual({ status: "too-large" });
  });
});
