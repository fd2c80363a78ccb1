/**
 * A real baseline JPEG (SOF0, Huffman-coded) of one grey shade, small enough to build in a test.
 *
 * Every 8×8 block is flat, so each carries only its DC coefficient: the first block codes the
 * shade's difference from mid-grey with the standard luminance DC table, every later block a
 * difference of 0, and every AC run is a bare end-of-block. Decoders (libjpeg, browsers) show it.
 */

/** Code lengths 1..16 and symbols of the standard luminance DC table (ITU T.81, table K.3). */
const DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0] as const;
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
/** An AC table with only end-of-block (symbol 0x00), coded as a single 0 bit. */
const AC_COUNTS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] as const;
const AC_SYMBOLS = [0x00] as const;

/** Canonical Huffman codes from a DHT-style description (symbol → [code, length]). */
function huffmanCodes(counts: readonly number[], symbols: readonly number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>();
  let code = 0;
  let next = 0;
  for (let length = 1; length <= 16; length += 1) {
    for (let i = 0; i < counts[length - 1]!; i += 1) codes.set(symbols[next++]!, [code++, length]);
    code <<= 1;
  }
  return codes;
}

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private filled = 0;

  write(value: number, length: number): void {
    for (let bit = length - 1; bit >= 0; bit -= 1) {
      this.current = (this.current << 1) | ((value >> bit) & 1);
      this.filled += 1;
      if (this.filled === 8) this.flushByte();
    }
  }

  /** Pads the last byte with 1 bits, as the standard asks. */
  finish(): number[] {
    if (this.filled > 0) this.write(0xff, 8 - this.filled);
    return this.bytes;
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    // A 0xFF inside entropy-coded data must be followed by a stuffed 0x00.
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.filled = 0;
  }
}

function segment(marker: number, body: readonly number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

const u16 = (value: number): number[] => [value >> 8, value & 0xff];

/**
 * A grey `width`×`height` baseline JPEG; `shade` (0–255) makes otherwise equal images differ.
 *
 * @example
 * const jpeg = tinyJpeg({ width: 16, height: 8, shade: 90 });
 * imageDimensions(jpeg); // { w: 16, h: 8 }
 */
export function tinyJpeg(options: { width?: number; height?: number; shade?: number } = {}): Uint8Array<ArrayBuffer> {
  const width = options.width ?? 8;
  const height = options.height ?? 8;
  const shade = Math.max(0, Math.min(255, Math.round(options.shade ?? 128)));
  // With every quantiser 8, a flat block's DC coefficient 8·(shade−128) quantises to shade−128.
  const quantTable = new Array<number>(64).fill(8);
  const dc = huffmanCodes(DC_COUNTS, DC_SYMBOLS);
  const eob = huffmanCodes(AC_COUNTS, AC_SYMBOLS).get(0x00)!;

  const bits = new BitWriter();
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let block = 0; block < blocks; block += 1) {
    const diff = block === 0 ? shade - 128 : 0;
    const magnitude = Math.abs(diff);
    const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
    const [code, length] = dc.get(category)!;
    bits.write(code, length);
    // Negative values are sent as their ones' complement in `category` bits.
    if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
    bits.write(eob[0], eob[1]);
  }

  const bytes = [
    0xff, 0xd8, // SOI
    ...segment(0xe0, [...Buffer.from("JFIF\0", "latin1"), 1, 1, 0, ...u16(1), ...u16(1), 0, 0]),
    ...segment(0xdb, [0x00, ...quantTable]),
    // SOF0: 8-bit precision, one component (id 1, no subsampling, quantiser table 0).
    ...segment(0xc0, [8, ...u16(height), ...u16(width), 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...DC_COUNTS, ...DC_SYMBOLS, 0x10, ...AC_COUNTS, ...AC_SYMBOLS]),
    // SOS: component 1 with DC/AC tables 0, spectral selection 0–63, no approximation.
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...bits.finish(),
    0xff, 0xd9, // EOI
  ];
  return new Uint8Array(bytes);
}
