/**
 * Minimal PNG decoder for tests: 8-bit greyscale, RGB or RGBA, non-interlaced, filters 0-4.
 * Enough to inspect what resvg writes without adding a dependency.
 */
import { inflateSync } from "node:zlib";

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, rows top to bottom. */
  readonly rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

export function decodePng(bytes: Uint8Array): DecodedPng {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  SIGNATURE.forEach((b, i) => {
    if (data[i] !== b) throw new Error("not a PNG");
  });
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString("latin1", offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const bitDepth = body[8];
      const colourType = body[9];
      const interlace = body[12];
      if (bitDepth !== 8 || interlace !== 0) throw new Error(`unsupported PNG: depth ${bitDepth}, interlace ${interlace}`);
      const byType: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };
      channels = byType[colourType ?? -1] ?? 0;
      if (channels === 0) throw new Error(`unsupported colour type ${colourType}`);
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] ?? 0;
      const a = i >= channels ? (pixels[row + i - channels] ?? 0) : 0;
      const b = y > 0 ? (pixels[row - stride + i] ?? 0) : 0;
      const c = y > 0 && i >= channels ? (pixels[row - stride + i - channels] ?? 0) : 0;
      let value: number;
      switch (filter) {
        case 0: value = x; break;
        case 1: value = x + a; break;
        case 2: value = x + b; break;
        case 3: value = x + ((a + b) >> 1); break;
        case 4: value = x + paeth(a, b, c); break;
        default: throw new Error(`bad filter ${filter} in row ${y}`);
      }
      pixels[row + i] = value & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const grey = channels <= 2;
    rgba[p * 4] = pixels[s] ?? 0;
    rgba[p * 4 + 1] = grey ? (pixels[s] ?? 0) : (pixels[s + 1] ?? 0);
    rgba[p * 4 + 2] = grey ? (pixels[s] ?? 0) : (pixels[s + 2] ?? 0);
    rgba[p * 4 + 3] = channels === 4 ? (pixels[s + 3] ?? 255) : channels === 2 ? (pixels[s + 1] ?? 255) : 255;
  }
  return { width, height, rgba };
}

export interface Region {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Counts pixels in `region` (default: whole image) for which `test(r, g, b)` holds. */
export function countPixels(png: DecodedPng, test: (r: number, g: number, b: number) => boolean, region?: Region): number {
  const { x0 = 0, y0 = 0, x1 = png.width, y1 = png.height } = region ?? {};
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if (test(png.rgba[i] ?? 0, png.rgba[i + 1] ?? 0, png.rgba[i + 2] ?? 0)) count++;
    }
  }
  return count;
}
