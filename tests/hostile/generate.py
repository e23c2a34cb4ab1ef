#!/usr/bin/env python3
"""Writes the hostile cases into CASEDIR (and the canary into CANARYDIR):
    python3 tests/hostile/generate.py CASEDIR CANARYDIR CANARY_TEXT
The small XML attacks are files beside this script; the large, binary and
path-dependent ones are made here, at test time (nothing big is committed).
Every case is a valid one-page-profile case but for its one attack."""
import os
import re
import shutil
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
case_dir, canary_dir, canary = sys.argv[1:4]
os.makedirs(os.path.join(case_dir, "photos"), exist_ok=True)
os.makedirs(canary_dir, exist_ok=True)


BASE = open(os.path.join(ROOT, "samples/class-4b/leo-clarke.xml"), encoding="utf-8").read()


def case(name="Leo", photo="photos/leo.png", needs=None, strengths=None, doctype=""):
    """Leo's sample case with one part replaced."""
    s = BASE.replace("<case version=", doctype + "<case version=", 1)
    s = s.replace("<preferred-name>Leo</preferred-name>", "<preferred-name>" + name + "</preferred-name>")
    s = s.replace('src="photos/leo.png"', 'src="' + photo + '"')
    if needs is not None:
        s = re.sub(r"<needs>.*?</needs>", lambda m: "<needs>" + needs + "</needs>", s, flags=re.S)
    if strengths is not None:
        s = re.sub(r"<strengths>.*?</strengths>", lambda m: "<strengths>" + strengths + "</strengths>", s, flags=re.S)
    return s


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(case_dir, name), mode) as f:
        f.write(data)


def png(w, h, idat=None):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    if idat is None:
        idat = zlib.compress(b"".join(b"\0" + b"\x80\x40\x20" * w for _ in range(h)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def tiny_jpeg():
    """A baseline 8x8 grey JPEG: one DC-only block, Huffman tables of one code each."""
    seg = lambda m, d: b"\xff" + m + struct.pack(">H", len(d) + 2) + d
    return (b"\xff\xd8" +
            seg(b"\xdb", b"\x00" + b"\x01" * 64) +
            seg(b"\xc0", b"\x08" + struct.pack(">HH", 8, 8) + b"\x01" + b"\x01\x11\x00") +
            seg(b"\xc4", b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00") +
            seg(b"\xc4", b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00") +
            seg(b"\xda", b"\x01\x01\x00\x00\x3f\x00") + b"\x3f" + b"\xff\xd9")


# the canary: unique text and a real photo outside the case folder
with open(os.path.join(canary_dir, "secret.txt"), "w") as f:
    f.write(canary + "\n")
with open(os.path.join(canary_dir, "evil.dtd"), "w") as f:
    f.write(f'<!ENTITY leak "{canary}">\n')
shutil.copy(os.path.join(ROOT, "samples/class-4b/photos/leo.png"), os.path.join(canary_dir, "photo.png"))
shutil.copy(os.path.join(ROOT, "samples/class-4b/photos/leo.png"), os.path.join(case_dir, "photos/leo.png"))

# the static attacks
for f in sorted(os.listdir(HERE)):
    if f.endswith(".xml"):
        shutil.copy(os.path.join(HERE, f), case_dir)

# size and depth
write("deep.xml", case(needs="<need>" * 10000 + "x" + "</need>" * 10000))
ent = "x" * 50000
write("quadratic.xml", case(name="&a;" * 50000, doctype=f'<!DOCTYPE case [<!ENTITY a "{ent}">]>\n'))
write("huge-text-50mb.xml", case(name="A" * (50 << 20)))
write("big-text-12mb.xml", case(name="A" * (12 << 20)))
write("many-items.xml", case(strengths="<item>Leo is kind.</item>" * 100000))
# encoding
write("invalid-utf8.xml", case(name="Le\xffo").encode("latin-1"))
write("nul-byte.xml", case(name="Le\0o").encode())
write("utf16-lie.xml", case().encode("utf-16"))
# photo paths
write("photo-absolute.xml", case(photo=os.path.join(os.path.abspath(canary_dir), "photo.png")))
write("photo-dotdot.xml", case(photo="../" + os.path.basename(os.path.abspath(canary_dir)) + "/photo.png"))
write("photo-dotdot-inner.xml", case(photo="photos/../../" + os.path.basename(os.path.abspath(canary_dir)) + "/photo.png"))
link = os.path.join(case_dir, "photos/link.png")
if os.path.lexists(link):
    os.unlink(link)
os.symlink(os.path.relpath(os.path.join(canary_dir, "photo.png"), os.path.dirname(link)), link)
write("photo-symlink.xml", case(photo="photos/link.png"))
os.makedirs(os.path.join(case_dir, "photos/dir.png"), exist_ok=True)
write("photo-folder.xml", case(photo="photos/dir.png"))
write("photo-missing.xml", case(photo="photos/nobody.png"))
# images
write("photos/text.png", "this is a text file, not a picture\n")
write("photo-text.xml", case(photo="photos/text.png"))
good = open(os.path.join(ROOT, "samples/class-4b/photos/leo.png"), "rb").read()
write("photos/truncated-header.png", good[:20])
write("photo-truncated-header.xml", case(photo="photos/truncated-header.png"))
write("photos/truncated.png", good[:len(good) // 3])  # passes the header probe, fails to decode
write("photo-truncated.xml", case(photo="photos/truncated.png"))
write("photos/huge.png", png(60000, 60000, idat=zlib.compress(b"\0" * 1000)))
write("photo-huge.xml", case(photo="photos/huge.png"))
write("photos/empty.png", b"")
write("photo-empty.xml", case(photo="photos/empty.png"))
write("photos/jpeg-truncated.jpg", tiny_jpeg()[:30])
write("photo-jpeg-truncated.xml", case(photo="photos/jpeg-truncated.jpg"))
# not hostile: a JPEG named .png decodes, so it is fine
write("photos/really-a-jpeg.png", tiny_jpeg())
write("ok-jpeg-named-png.xml", case(photo="photos/really-a-jpeg.png"))
write("photos/small.png", png(4, 4))
write("ok-small-png.xml", case(photo="photos/small.png"))
