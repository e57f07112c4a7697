// A minimal PNG encoder (8-bit RGBA, no interlace) on Node's zlib, and the app icon drawn with it.
// Used by scripts/pwa.mjs at build time; no image library needed for one flat glyph.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes RGBA pixels (width * height * 4 bytes, rows top to bottom) as a PNG file.
 * Each row uses the "Sub" filter (PNG spec 9.2), which suits flat colours well.
 */
export function encodePng(width, height, rgba) {
  if (rgba.length !== width * height * 4) throw new Error('encodePng: pixel buffer size does not match');
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    raw[out] = 1; // filter type: Sub
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? rgba[y * stride + i - 4] : 0;
      raw[out + 1 + i] = (rgba[y * stride + i] - left) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Reads width, height and colour type back from a PNG's IHDR (for tests). */
export function pngInfo(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType: buf[25] };
}

const hex = (s) => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));

/** Signed distance from (x, y) to a rounded rectangle centred at (cx, cy); negative inside. */
function roundedRect(x, y, cx, cy, halfW, halfH, r) {
  const qx = Math.abs(x - cx) - halfW + r;
  const qy = Math.abs(y - cy) - halfH + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

export const ICON_COLOURS = {
  background: '#1d5fc9',
  chip: '#ffffff',
  // The page's breakdown colours: weights, KV cache, buffers, overhead.
  parts: ['#2563c9', '#c2410c', '#2f7d4f', '#7c3aed'],
};

/**
 * The app icon: a memory chip (a white module with pins) holding a bar split like the page's
 * breakdown chart, on the accent colour. `maskable` fills the square and keeps the glyph inside
 * the central safe circle (radius 40%), as maskable icons must; otherwise the background is a
 * rounded square with transparent corners.
 * Coordinates are in units of the icon's size (0..1); 4x4 supersampling smooths the edges.
 */
export function drawIcon(size, { maskable = false } = {}) {
  const bg = hex(ICON_COLOURS.background);
  const chip = hex(ICON_COLOURS.chip);
  const parts = ICON_COLOURS.parts.map(hex);
  const k = maskable ? 0.72 : 1; // glyph scale: inside the safe zone when maskable
  const g = (v) => 0.5 + (v - 0.5) * k; // scale about the centre
  const shapes = [];
  // Background.
  shapes.push((x, y) => (maskable ? bg : roundedRect(x, y, 0.5, 0.5, 0.5, 0.5, 0.18) <= 0 ? bg : null));
  // Pins above and below the module.
  const pins = 6;
  shapes.push((x, y) => {
    for (let i = 0; i < pins; i++) {
      const px = g(0.25 + (i * 0.5) / (pins - 1));
      if (roundedRect(x, y, px, g(0.5), 0.022 * k, 0.26 * k, 0.012 * k) <= 0) return chip;
    }
    return null;
  });
  // The module body.
  shapes.push((x, y) => (roundedRect(x, y, 0.5, 0.5, 0.33 * k, 0.19 * k, 0.05 * k) <= 0 ? chip : null));
  // The breakdown bar inside it: widths like a typical result (weights dominate).
  const widths = [0.56, 0.22, 0.12, 0.1];
  shapes.push((x, y) => {
    const left = g(0.22);
    const width = 0.56 * k;
    if (roundedRect(x, y, 0.5, 0.5, width / 2, 0.07 * k, 0.025 * k) > 0) return null;
    let edge = left;
    for (let i = 0; i < widths.length; i++) {
      edge += widths[i] * width;
      if (x <= edge) return parts[i];
    }
    return parts[parts.length - 1];
  });

  const SS = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, gg = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          let colour = null;
          for (const shape of shapes) colour = shape(x, y) ?? colour;
          if (colour) {
            r += colour[0];
            gg += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(gg / a);
        rgba[o + 2] = Math.round(b / a);
        rgba[o + 3] = Math.round((255 * a) / (SS * SS));
      }
    }
  }
  return encodePng(size, size, rgba);
}
