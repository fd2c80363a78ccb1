import sharp from "sharp";

/**
 * True when two encoded pictures show the same thing: equal width and height, and no channel of
 * any pixel further apart than `tolerance` (a JPEG encoded anew differs by rounding, a PNG not at
 * all). Photos are re-encoded on arrival, so tests compare pictures, not bytes.
 *
 * @example
 * expect(await samePicture(storedBytes, sentJpeg)).toBe(true);
 */
export async function samePicture(a: Uint8Array, b: Uint8Array, tolerance = 4): Promise<boolean> {
  const [left, right] = await Promise.all(
    [a, b].map((bytes) => sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })),
  );
  if (left!.info.width !== right!.info.width || left!.info.height !== right!.info.height) return false;
  return left!.data.every((value, i) => Math.abs(value - right!.data[i]!) <= tolerance);
}
