import { describe, expect, it } from "vitest";
import { acceptPhotoBytes, imageDimensions, PHOTO_MAX_BYTES, sniffImageType } from "../../../src/core/model/photo.js";
import { tinyJpeg } from "../../support/tiny-jpeg.js";
import { tinyPng } from "../../support/tiny-png.js";

describe("photos", () => {
  it("are told apart by their first bytes, not by a name", () => {
    expect(sniffImageType(tinyPng())).toBe("image/png");
    expect(sniffImageType(tinyJpeg(3, 2))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("GIF89a......"))).toBeUndefined();
    expect(sniffImageType(new Uint8Array(0))).toBeUndefined();
    expect(tinyJpeg(8, 8, "a")).not.toEqual(tinyJpeg(8, 8, "b")); // tests tell pictures apart by bytes
  });

  it("report their size from the PNG header and the JPEG frame header", () => {
    expect(imageDimensions(tinyPng(7))).toEqual({ w: 7, h: 7 });
    expect(imageDimensions(tinyJpeg(33, 17))).toEqual({ w: 33, h: 17 });
    // Cut off before the frame header: no size rather than a wrong one.
    expect(imageDimensions(tinyJpeg(33, 17).slice(0, 8))).toBeUndefined();
  });

  it("are accepted only as real JPEG or PNG pictures within the limit", () => {
    const jpeg = tinyJpeg(4, 4);
    expect(acceptPhotoBytes(jpeg)).toEqual({ status: "ok", bytes: jpeg, mimeType: "image/jpeg" });
    expect(acceptPhotoBytes(Buffer.from("%PDF-1.7 …"))).toEqual({ status: "unsupported" });
    // Starts like a JPEG but ends before its size: cut short on the way, not another format.
    expect(acceptPhotoBytes(Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]))).toEqual({ status: "damaged" });
    expect(acceptPhotoBytes(tinyJpeg(4, 4).slice(0, 55))).toEqual({ status: "damaged" });
    expect(acceptPhotoBytes(tinyPng(4).slice(0, 20))).toEqual({ status: "damaged" });
    const huge = new Uint8Array(PHOTO_MAX_BYTES + 1);
    huge.set(jpeg);
    expect(acceptPhotoBytes(huge)).toEqual({ status: "too-large" });
  });

  it("are refused when Telegram could not show them: extremely long, narrow or large pictures", () => {
    expect(acceptPhotoBytes(tinyJpeg(400, 20)).status).toBe("ok"); // 20 : 1, the limit
    expect(acceptPhotoBytes(tinyJpeg(420, 20)).status).toBe("unsupported");
    expect(acceptPhotoBytes(tinyJpeg(6000, 4000)).status).toBe("ok"); // 10,000 together
    expect(acceptPhotoBytes(tinyJpeg(6000, 4008)).status).toBe("unsupported");
  });
});
