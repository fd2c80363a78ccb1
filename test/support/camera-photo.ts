/**
 * Photos as phone cameras save them, made with sharp for the photo tests: a JPEG whose stored
 * pixels lie on their side with an EXIF orientation that turns them upright, the maker and model,
 * and the GPS position where it was taken. The left half of the stored picture is red and the
 * right half blue, so a test can tell whether the orientation was applied.
 */
import sharp from "sharp";

/** Where the test photos were "taken": the Hammah town hall, roughly. */
export const GPS = { latitude: "53/1 36/1 4512/100", longitude: "9/1 22/1 1980/100" } as const;

/** EXIF orientation 6: the stored picture must be turned 90° clockwise to be upright. */
export const TURN_CLOCKWISE = 6;

export interface CameraPhotoOptions {
  /** Stored width (before the orientation is applied); 4032 as a 12 MP phone camera. */
  readonly width?: number;
  readonly height?: number;
  readonly orientation?: number;
  /** Adds fine noise so the JPEG has a phone photo's size rather than a flat picture's. */
  readonly noisy?: boolean;
}

/** A JPEG with EXIF orientation, maker, model and GPS position, red on the left, blue on the right. */
export async function cameraJpeg(options: CameraPhotoOptions = {}): Promise<Buffer> {
  const { width = 640, height = 480, orientation = TURN_CLOCKWISE, noisy = false } = options;
  const half = Math.floor(width / 2);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      const grain = noisy ? ((Math.imul(at + 1, 2654435761) >>> 27) & 31) : 0;
      pixels[at] = x < half ? 220 - grain : 20 + grain;
      pixels[at + 1] = 30 + grain;
      pixels[at + 2] = x < half ? 30 + grain : 220 - grain;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif({
      IFD0: { Make: "Phonemaker", Model: "Pocket 12" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: GPS.latitude, GPSLongitudeRef: "E", GPSLongitude: GPS.longitude },
    })
    .withMetadata({ orientation })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/**
 * The tags of an EXIF block's first directory (IFD0), as sharp's `metadata().exif` returns the
 * block ("Exif\0\0" and a TIFF header). 0x8825 points at the GPS directory, 0x0112 is the
 * orientation: a test checks that a fixture really carries them before checking they are gone.
 */
export function exifTags(exif: Buffer): Set<number> {
  const tiff = exif.subarray(exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? 6 : 0);
  const little = tiff.subarray(0, 2).toString("latin1") === "II";
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const tags = new Set<number>();
  for (let i = 0, count = u16(ifd0); i < count; i++) tags.add(u16(ifd0 + 2 + i * 12));
  return tags;
}

export const GPS_POINTER_TAG = 0x8825;
export const ORIENTATION_TAG = 0x0112;

/** Red, green and blue of the pixel at (x, y) of a picture. */
export async function pixelAt(bytes: Uint8Array, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

/** A PNG of `width`×`height` in one colour, compressed as tightly as zlib can: a decompression bomb. */
export async function flatPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: "#ffffff" } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
