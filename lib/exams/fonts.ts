/**
 * Fonts for the exam sheets, embedded as subsets (pdf-lib + @pdf-lib/fontkit), with a fallback
 * per character so every name on a roster prints: DejaVu Sans (Latin incl. Turkish and
 * Vietnamese, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic letters) and WenQuanYi Micro
 * Hei (Chinese, Japanese kana, Korean Hangul). The files ship in lib/exams/fonts (free licences,
 * copied from Debian's fonts-dejavu-core and fonts-wqy-microhei, whose first face is stored as
 * TTF), so a fresh machine prints too. (Droid Sans Fallback loses its glyphs when fontkit
 * subsets it, and has no Hangul.)
 * No shaping: Arabic and Indic scripts print as separate letters.
 *
 * Exports:
 *   loadFontSet(doc, texts)     -> FontSet (regular, bold, mono; the fallback when texts need it)
 *   FontSet.runs(text, style)   -> [{ font, text }] split by which font has the glyph
 *   FontSet.width(text, size, style), FontSet.draw(page, text, opts)
 *   unprintable(text)           -> characters no font of the set can draw
 */
import fs from "node:fs";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont, PDFPage, RGB } from "pdf-lib";

export type FontStyle = "regular" | "bold" | "mono";

const FILES: Record<FontStyle | "fallback", string> = {
  regular: "DejaVuSans.ttf",
  bold: "DejaVuSans-Bold.ttf",
  mono: "DejaVuSansMono.ttf",
  fallback: "WenQuanYiMicroHei.ttf",
};

function fontDir(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.E2X_FONT_DIR ?? path.join(process.cwd(), "lib/exams/fonts"));
}

interface Loaded {
  bytes: Uint8Array;
  has: (cp: number) => boolean;
}

const cache = new Map<string, Loaded>();

function load(style: FontStyle | "fallback"): Loaded {
  const file = path.join(fontDir(), FILES[style]);
  let hit = cache.get(file);
  if (!hit) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const kit = fontkit.create(bytes as unknown as Buffer) as unknown as { hasGlyphForCodePoint(cp: number): boolean };
    const seen = new Map<number, boolean>();
    hit = {
      bytes,
      has: (cp) => {
        let v = seen.get(cp);
        if (v === undefined) seen.set(cp, (v = kit.hasGlyphForCodePoint(cp)));
        return v;
      },
    };
    cache.set(file, hit);
  }
  return hit;
}

const INVISIBLE = /[\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

export function cleanText(text: string): string {
  return text.normalize("NFC").replace(INVISIBLE, "").replace(/[\t\r\n]+/g, " ");
}

/** Characters of `text` that none of the sheet fonts can draw. */
export function unprintable(text: string): string[] {
  const out = new Set<string>();
  for (const ch of cleanText(text)) {
    const cp = ch.codePointAt(0)!;
    if (cp === 32) continue;
    if (!load("regular").has(cp) && !load("fallback").has(cp)) out.add(ch);
  }
  return [...out];
}

export interface FontSet {
  font(style: FontStyle): PDFFont;
  runs(text: string, style: FontStyle): { font: PDFFont; text: string }[];
  width(text: string, size: number, style: FontStyle): number;
  draw(page: PDFPage, text: string, opts: { x: number; y: number; size: number; style?: FontStyle; color?: RGB; maxWidth?: number }): number;
  /** The largest size <= `size` at which `text` fits `width` (not below minSize; then it is cut). */
  fitSize(text: string, size: number, width: number, style: FontStyle, minSize?: number): number;
}

/**
 * Embeds regular, bold and mono, and the fallback font only when one of `texts` (everything
 * the document will print from data: names, titles) needs it.
 */
export async function loadFontSet(doc: PDFDocument, texts: readonly string[]): Promise<FontSet> {
  doc.registerFontkit(fontkit);
  const embed = (style: FontStyle | "fallback") => doc.embedFont(load(style).bytes, { subset: true });
  const [regular, bold, mono] = await Promise.all([embed("regular"), embed("bold"), embed("mono")]);
  const byStyle: Record<FontStyle, PDFFont> = { regular, bold, mono };
  const regularHas = load("regular").has;
  const fallbackHas = load("fallback").has;
  const needsFallback = texts.some((t) => [...cleanText(t)].some((ch) => {
    const cp = ch.codePointAt(0)!;
    return cp !== 32 && !regularHas(cp) && fallbackHas(cp);
  }));
  const fallback = needsFallback ? await embed("fallback") : undefined;

  const runs = (raw: string, style: FontStyle) => {
    const primary = load(style === "mono" ? "mono" : style === "bold" ? "bold" : "regular");
    const out: { font: PDFFont; text: string }[] = [];
    for (const ch of cleanText(raw)) {
      const cp = ch.codePointAt(0)!;
      let f: PDFFont;
      if (cp === 32 || primary.has(cp)) f = byStyle[style];
      else if (style !== "regular" && regularHas(cp)) f = regular;
      else if (fallback && fallbackHas(cp)) f = fallback;
      else f = byStyle[style]; // prints the .notdef box; unprintable() warns before printing
      const last = out[out.length - 1];
      if (last && last.font === f) last.text += ch;
      else out.push({ font: f, text: ch });
    }
    return out;
  };

  // widths at size 1, per style and text: fontkit lays out a string on every measure
  const widths = new Map<string, number>();
  const width1 = (text: string, style: FontStyle) => {
    const key = `${style}\u0000${text}`;
    let w = widths.get(key);
    if (w === undefined) widths.set(key, (w = runs(text, style).reduce((n, r) => n + r.font.widthOfTextAtSize(r.text, 1), 0)));
    return w;
  };

  const set: FontSet = {
    font: (style) => byStyle[style],
    runs,
    width: (text, size, style) => width1(text, style) * size,
    draw: (page, text, { x, y, size, style = "regular", color, maxWidth }) => {
      let t = cleanText(text);
      if (maxWidth !== undefined && set.width(t, size, style) > maxWidth) {
        const chars = [...t];
        while (chars.length > 1 && set.width(`${chars.join("")}…`, size, style) > maxWidth) chars.pop();
        t = `${chars.join("")}…`;
      }
      let cx = x;
      for (const r of runs(t, style)) {
        page.drawText(r.text, { x: cx, y, size, font: r.font, color });
        cx += r.font.widthOfTextAtSize(r.text, size);
      }
      return cx - x;
    },
    fitSize: (text, size, width, style, minSize = 6) => {
      const w = set.width(text, size, style);
      if (w <= width) return size;
      return Math.max(minSize, Math.floor(((size * width) / w) * 10) / 10);
    },
  };
  return set;
}
