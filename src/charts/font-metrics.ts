/**
 * Horizontal text metrics read straight from a TrueType/OpenType font file.
 *
 * Why: without a browser canvas, vega only guesses text widths (0.8 em per character), which is
 * far off for proportional fonts. Chart layout (label column width, wrapping, ellipsis) needs the
 * real advance widths of the very font resvg later draws with, so we read them from the font.
 * Kerning is ignored; it changes widths by a percent or two, which the layout leaves room for.
 */

export interface FontMetrics {
  /** Family name as stored in the font (what SVG `font-family` must name for resvg to pick it). */
  readonly family: string;
  /** Width of `text` in pixels at `fontSize` pixels. */
  measure(text: string, fontSize: number): number;
}

interface TableEntry {
  readonly offset: number;
  readonly length: number;
}

function readTables(data: Buffer): Map<string, TableEntry> {
  const numTables = data.readUInt16BE(4);
  const tables = new Map<string, TableEntry>();
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    const tag = data.toString("latin1", record, record + 4);
    tables.set(tag, { offset: data.readUInt32BE(record + 8), length: data.readUInt32BE(record + 12) });
  }
  return tables;
}

function requireTable(tables: Map<string, TableEntry>, tag: string): TableEntry {
  const table = tables.get(tag);
  if (!table) throw new Error(`font has no '${tag}' table`);
  return table;
}

/** Maps code points to glyph ids, from a format 12 (full Unicode) or format 4 (BMP) cmap subtable. */
function readCmap(data: Buffer, cmap: TableEntry): (codePoint: number) => number {
  const count = data.readUInt16BE(cmap.offset + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap.offset + 4 + i * 8;
    const platform = data.readUInt16BE(record);
    const encoding = data.readUInt16BE(record + 2);
    const sub = cmap.offset + data.readUInt32BE(record + 4);
    const format = data.readUInt16BE(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && format12 === undefined) format12 = sub;
    if (format === 4 && format4 === undefined) format4 = sub;
  }
  if (format12 !== undefined) {
    const sub = format12;
    const groups = data.readUInt32BE(sub + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = sub + 16 + mid * 12;
        const start = data.readUInt32BE(g);
        const end = data.readUInt32BE(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return data.readUInt32BE(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 !== undefined) {
    const sub = format4;
    const segCount = data.readUInt16BE(sub + 6) / 2;
    const endCodes = sub + 14;
    const startCodes = endCodes + segCount * 2 + 2;
    const idDeltas = startCodes + segCount * 2;
    const idRangeOffsets = idDeltas + segCount * 2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (cp > data.readUInt16BE(endCodes + s * 2)) continue;
        const start = data.readUInt16BE(startCodes + s * 2);
        if (cp < start) return 0;
        const delta = data.readInt16BE(idDeltas + s * 2);
        const rangeOffsetPos = idRangeOffsets + s * 2;
        const rangeOffset = data.readUInt16BE(rangeOffsetPos);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = data.readUInt16BE(rangeOffsetPos + rangeOffset + (cp - start) * 2);
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error("font has no Unicode cmap subtable");
}

function readFamilyName(data: Buffer, name: TableEntry): string {
  const count = data.readUInt16BE(name.offset + 2);
  const strings = name.offset + data.readUInt16BE(name.offset + 4);
  let fallback: string | undefined;
  for (let i = 0; i < count; i++) {
    const record = name.offset + 6 + i * 12;
    const platform = data.readUInt16BE(record);
    const nameId = data.readUInt16BE(record + 6);
    if (nameId !== 1) continue;
    const length = data.readUInt16BE(record + 8);
    const start = strings + data.readUInt16BE(record + 10);
    const bytes = data.subarray(start, start + length);
    if (platform === 3 || platform === 0) {
      let text = "";
      for (let j = 0; j + 1 < bytes.length; j += 2) text += String.fromCharCode(bytes.readUInt16BE(j));
      return text;
    }
    fallback ??= bytes.toString("latin1");
  }
  if (fallback) return fallback;
  throw new Error("font has no family name");
}

/**
 * Reads advance widths and the family name from font bytes.
 *
 * @example
 * const metrics = parseFontMetrics(readFileSync("assets/fonts/DejaVuSans.ttf"));
 * metrics.measure("Größe", 14); // ≈ 40
 */
export function parseFontMetrics(bytes: Uint8Array): FontMetrics {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = readTables(data);
  const head = requireTable(tables, "head");
  const hhea = requireTable(tables, "hhea");
  const hmtx = requireTable(tables, "hmtx");
  const unitsPerEm = data.readUInt16BE(head.offset + 18);
  const numberOfHMetrics = data.readUInt16BE(hhea.offset + 34);
  const glyphOf = readCmap(data, requireTable(tables, "cmap"));
  const family = readFamilyName(data, requireTable(tables, "name"));

  const advanceOfGlyph = (glyph: number): number => {
    const index = Math.min(glyph, numberOfHMetrics - 1);
    return data.readUInt16BE(hmtx.offset + index * 4);
  };
  const cache = new Map<number, number>();
  const advance = (cp: number): number => {
    let width = cache.get(cp);
    if (width === undefined) {
      width = advanceOfGlyph(glyphOf(cp));
      cache.set(cp, width);
    }
    return width;
  };

  return {
    family,
    measure(text, fontSize) {
      let units = 0;
      for (const ch of text) units += advance(ch.codePointAt(0) ?? 0);
      return (units / unitsPerEm) * fontSize;
    },
  };
}
