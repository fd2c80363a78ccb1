function segment(marker: number, data: readonly number[] | Buffer): Buffer {
  const body = Buffer.from(data);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A Huffman table with a single one-bit code ("0") for `symbol`. */
function singleCodeTable(tableClassAndId: number, symbol: number): Buffer {
  const counts = Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : 0));
  return segment(0xc4, [tableClassAndId, ...counts, symbol]);
}

/**
 * A valid baseline JPEG of `width`×`height` pixels in flat mid-grey, for photo tests (Telegram's
 * photos are JPEGs). Every 8×8 block has only a zero DC difference and an end-of-block, so the
 * Huffman tables need a single code each and the scan is two bits per block. The frame header is
 * a real SOF0, so `imageDimensions` reads the size; `comment` (a COM segment) lets tests tell
 * pictures of the same size apart by their bytes.
 */
export function tinyJpeg(width = 16, height = 8, comment = "mitreden"): Uint8Array<ArrayBuffer> {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const scan = Buffer.alloc(Math.ceil(bits / 8));
  // Padding after the last block is ones, as the standard asks; the data bits are all zeros.
  for (let bit = bits; bit < scan.length * 8; bit++) scan[bit >> 3]! |= 0x80 >> (bit & 7);
  const size = Buffer.alloc(4);
  size.writeUInt16BE(height, 0);
  size.writeUInt16BE(width, 2);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      segment(0xe0, [...Buffer.from("JFIF\0", "latin1"), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
      segment(0xfe, Buffer.from(comment, "utf8")),
      segment(0xdb, [0x00, ...Array.from({ length: 64 }, () => 1)]),
      segment(0xc0, [8, ...size, 1, 1, 0x11, 0]),
      singleCodeTable(0x00, 0x00), // DC: difference category 0
      singleCodeTable(0x10, 0x00), // AC: end of block
      segment(0xda, [1, 1, 0x00, 0, 63, 0]),
      scan,
      Buffer.from([0xff, 0xd9]),
    ]),
  );
}
