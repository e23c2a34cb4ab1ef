#!/usr/bin/env python3
"""Draws the sample cases' "photos": friendly illustrated avatars, not pictures
of anyone real. Pure standard library (zlib + struct), deterministic output.

    python3 tools/make-photos.py            # samples/photos and samples/class-4b/photos
    python3 tools/make-photos.py OUTDIR     # every avatar into OUTDIR
"""
import os
import struct
import sys
import zlib

W, H = 240, 300
SS = 3  # supersampling per axis, for smooth edges


def hexrgb(s):
    return tuple(int(s[i:i + 2], 16) for i in (0, 2, 4))


# name: background, skin, hair, top, hair style, extras
AVATARS = {
    "ava":    ("8fd3c7", "f2c9a5", "c8743a", "5b6ee1", "long", ""),
    "bilal":  ("ffd166", "b57a4f", "2b1d14", "2a9d8f", "short", "hearing-aid"),
    "rumi":   ("cdb4db", "9c6b45", "1c1410", "e76f51", "scarf", ""),
    "kacper": ("a8dadc", "f5d6b8", "e0b04c", "1d3557", "spiky", "glasses"),
    "maya":   ("f4a261", "d9a066", "3d2314", "6a4c93", "bun", ""),
    "leo":    ("b7e4c7", "f0c8a0", "7a4b2a", "e63946", "short", ""),
    "zara":   ("bde0fe", "6f4a33", "120c0a", "ffb703", "curls", ""),
    "yousef": ("90e0ef", "c9956b", "1e1612", "52b788", "short", ""),
}


def render(spec):
    bg, skin, hair, top, style, extra = spec
    bg, skin, hair, top = map(hexrgb, (bg, skin, hair, top))
    dark = (40, 32, 32)
    white = (255, 255, 255)
    cheek = tuple(min(255, int(c * 0.9 + 255 * 0.1)) for c in (230, 120, 120))
    cx = W / 2

    def ell(x, y, ox, oy, rx, ry):
        return ((x - ox) / rx) ** 2 + ((y - oy) / ry) ** 2 <= 1.0

    def colour(x, y):
        c = bg
        # shoulders and jumper
        if ell(x, y, cx, 330, 110, 95):
            c = top
        # neck
        if abs(x - cx) < 22 and 190 < y < 240:
            c = skin
        # hair behind the head
        if style == "long" and (ell(x, y, cx, 140, 82, 92) or (abs(x - cx) < 80 and 140 < y < 235)):
            c = hair
        if style == "scarf" and (ell(x, y, cx, 140, 86, 96) or (abs(x - cx) < 84 and 140 < y < 250)):
            c = hair
        if style == "bun" and ell(x, y, cx, 48, 30, 26):
            c = hair
        if style == "curls":
            for ox, oy in ((-62, 110), (62, 110), (-50, 70), (50, 70), (0, 52), (-28, 58), (28, 58)):
                if ell(x, y, cx + ox, oy, 30, 30):
                    c = hair
        # ears
        if ell(x, y, cx - 66, 142, 12, 18) or ell(x, y, cx + 66, 142, 12, 18):
            c = skin
        if extra == "hearing-aid" and ell(x, y, cx + 72, 134, 7, 14):
            c = (70, 130, 200)
        # face
        if ell(x, y, cx, 140, 66, 78):
            c = skin
        # hair on top
        if style in ("short", "long", "bun", "spiky") and ell(x, y, cx, 92, 70, 44) and y < 100 + 0.08 * abs(x - cx):
            c = hair
        if style == "spiky" and 50 < y < 80 and abs(x - cx) < 62:
            k = (x - cx + 70) % 28
            if abs(k - 14) < (80 - y) * 0.5:
                c = hair
        if style == "scarf" and ell(x, y, cx, 128, 86, 96) and not ell(x, y, cx, 146, 60, 70):
            c = hair
        # eyes, cheeks, smile
        for ox in (-24, 24):
            if ell(x, y, cx + ox, 136, 7, 9):
                c = dark
            if ell(x, y, cx + ox + 2, 133, 2.2, 2.2):
                c = white
            if ell(x, y, cx + ox * 1.6, 162, 10, 6):
                c = cheek
        if ell(x, y, cx, 168, 26, 18) and not ell(x, y, cx, 160, 28, 18) and y > 168:
            c = dark
        if extra == "glasses":
            for ox in (-24, 24):
                d = ((x - cx - ox) / 17) ** 2 + ((y - 136) / 15) ** 2
                if 0.8 <= d <= 1.0:
                    c = dark
            if abs(y - 134) < 1.5 and abs(x - cx) < 8:
                c = dark
        return c

    rows = []
    n = SS * SS
    for y in range(H):
        row = bytearray(b"\x00")  # filter: none
        for x in range(W):
            r = g = b = 0
            for sy in range(SS):
                for sx in range(SS):
                    cr, cg, cb = colour(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)
                    r += cr
                    g += cg
                    b += cb
            # quantise a little so the PNG stays small
            row += bytes(((r // n) & 0xFC, (g // n) & 0xFC, (b // n) & 0xFC))
        rows.append(bytes(row))
    return b"".join(rows)


def png(raw):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# A case's photo must sit inside the case's own folder, so the class gets its own copies.
CLASS_4B = ("maya", "leo", "zara")


def main():
    if len(sys.argv) > 1:
        targets = {name: [sys.argv[1]] for name in AVATARS}
    else:
        targets = {name: ["samples/photos"] + (["samples/class-4b/photos"] if name in CLASS_4B else [])
                   for name in AVATARS}
    for name, spec in AVATARS.items():
        data = png(render(spec))
        for out in targets[name]:
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, name + ".png"), "wb") as f:
                f.write(data)
        print(f"{name}.png {len(data)} bytes")


if __name__ == "__main__":
    main()
