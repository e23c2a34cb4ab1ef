#!/usr/bin/env python3
"""Generates valid sendoc case files from engine/schema/case.xsd, read at run time.

    python3 tests/gen/gen.py --xsd engine/schema/case.xsd --seed 7 --count 400 --out DIR

Seeded and reproducible: the same seed, count and schema give the same files.
Every element the schema declares is generated according to its minOccurs and
maxOccurs: an optional element is present in some cases and absent in others,
a list has one item or several (or none, where the schema allows the list to be
left out), and enumerations are visited in turn so that every value appears.
Text comes in several scripts (Latin, Polish diacritics, Urdu, Arabic, Bengali,
CJK, Tamil), short and long, with XML-special and Markdown characters; text
elements get translations (xml:lang siblings) in some cases and not in others.

The rules case.c adds to the XSD are mirrored here (they are not in the XSD):
which repeated elements are lists and which repeats are translations, the
attributes required on an original, id references, date order and the photo
inside the case's folder. Every generated case must pass `sendoc validate`;
tests/gen/run.py checks that, which tests this generator.

Cases are written to OUT/<lang>/case-NNNN.xml, grouped by the document
language each is meant to be rendered in, with OUT/<lang>/photos/ beside them.
"""
import argparse
import os
import random
import shutil
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

XS = "{http://www.w3.org/2001/XMLSchema}"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Document languages the harness renders in, and words in each one's script.
WORDS = {
    "en-GB": "reading friends maths football drawing music quiet time help clear steps visual timetable "
             "kind funny patient swimming science garden lunch break calm choices".split(),
    "pl": "Zażółć gęślą jaźń czytanie przyjaciele łódź źrebię matematyka muzyka pomoc spokój "
          "wycieczka ogród śniadanie".split(),
    "ur": "دوست کتاب اسکول کھیل مدد پڑھنا ریاضی باغ خاموشی خوشی استاد".split(),
    "ar": "أصدقاء كتاب مدرسة لعب مساعدة قراءة رياضيات حديقة هدوء سعادة معلم".split(),
    "bn": "বন্ধু বই স্কুল খেলা সাহায্য পড়া অঙ্ক বাগান শান্ত আনন্দ শিক্ষক".split(),
    "zh-Hans": "朋友 读书 学校 游戏 帮助 数学 音乐 花园 安静 快乐 老师".split(),
    "ta": "நண்பர்கள் புத்தகம் பள்ளி விளையாட்டு உதவி கணிதம் இசை தோட்டம் அமைதி மகிழ்ச்சி".split(),
}
DOC_LANGS = list(WORDS)
NAMES = ["Ava", "Zofia Łukasiewicz", "محمد", "আয়েশা", "李明", "அருள்", "Ödön", "Siobhán O'Neill",
         "Jean-Luc", "Nguyễn Thị Lan", "Amara", "Yusuf Haddad"]
SPECIALS = ["&", "<b>", "a < b > c", "\"quoted\"", "it's", "*not bold*", "_x_", "# not a heading",
            "[link](x)", "a | b", "{{child.legal-name}}", "\\", "100%"]

# case.c's rules beyond the XSD (engine/case_tree.c): kept in step by the
# validation every generated case goes through.
REQUIRED_ON_ORIGINAL = {"need": ["id", "type"], "outcome": ["id", "need", "timeframe"], "view": ["by"],
                        "way": ["kind"], "entry": ["outcome"]}
LISTS = {"contact", "need", "item", "quote", "view", "outcome", "appendix", "meeting", "way", "person", "entry",
         "action", "strategy", "tried"}  # case.c's is_list: a repeat of anything else is a translation
ID_KINDS = {"need", "outcome", "contact", "meeting", "strategy"}  # elements whose @id others name
REFS = {"need": "need", "outcome": "outcome", "by": "contact", "contact": "contact", "strategy": "strategy"}
DATE_ORDER = [  # (scope, earlier, later, strict)
    ("plan", "plan-date", "review-date", True),
    ("plan", "plan-date", "issue-date", False),
    ("meeting", "invitation-date", "date", False),
    ("meeting", "date", "next-review-date", True),
]


class Node:
    __slots__ = ("name", "attrs", "text", "kids", "lang")

    def __init__(self, name):
        self.name, self.attrs, self.text, self.kids, self.lang = name, {}, None, [], None


class Schema:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.simple = {s.get("name"): s for s in root.findall(XS + "simpleType")}
        self.complex = {c.get("name"): c for c in root.findall(XS + "complexType")}
        self.case = next(e for e in root.findall(XS + "element") if e.get("name") == "case")

    def complex_of(self, decl):
        """The element's complexType (inline or named), or None for simple content."""
        ct = decl.find(XS + "complexType")
        if ct is not None:
            return ct
        t = decl.get("type")
        return self.complex.get(t) if t else None

    def simple_base(self, ct):
        """For a complexType with simpleContent: the simple type name at the bottom
        of its extension chain, and every attribute declared along it."""
        attrs, translatable = [], False
        while ct is not None:
            if ct.find(XS + "anyAttribute") is not None:
                translatable = True
            sc = ct.find(XS + "simpleContent")
            if sc is None:
                return None, attrs, translatable
            ext = sc.find(XS + "extension")
            if ext is None:
                ext = sc.find(XS + "restriction")
            attrs += ext.findall(XS + "attribute")
            if ext.find(XS + "anyAttribute") is not None:
                translatable = True
            base = ext.get("base")
            if base in self.complex:
                ct = self.complex[base]
                continue
            return base, attrs, translatable
        return None, attrs, translatable


def occurs(decl):
    lo = int(decl.get("minOccurs", "1"))
    hi = decl.get("maxOccurs", "1")
    return lo, (10**9 if hi == "unbounded" else int(hi))


class Gen:
    def __init__(self, schema, rng):
        self.s, self.r = schema, rng
        self.enum_turn = {}  # enumeration values visited in turn, across cases

    # ---- values ----
    def words(self, lang, n):
        pool = WORDS.get(lang) or WORDS["en-GB"]
        return " ".join(self.r.choice(pool) for _ in range(n))

    def prose(self, lang, long_ok=True):
        r = self.r
        k = r.random()
        n = 1 if k < 0.2 else r.randint(2, 8) if k < 0.85 or not long_ok else r.randint(25, 45)
        t = self.words(lang, n)
        if r.random() < 0.25:  # another script inside the text: a name
            t += " " + r.choice(NAMES)
        if r.random() < 0.2 and lang in ("en-GB", "pl"):
            t += " " + r.choice(SPECIALS)
        return t[0].upper() + t[1:] if t[0].isalpha() else t

    def enum(self, st):
        vals = [e.get("value") for e in st.iter(XS + "enumeration")]
        if not vals:
            return None
        key = st.get("name") or id(st)
        i = self.enum_turn.get(key, self.r.randrange(len(vals)))
        self.enum_turn[key] = i + 1
        return vals[i % len(vals)]

    def date(self, lo=2010, hi=2030):
        return "%04d-%02d-%02d" % (self.r.randint(lo, hi), self.r.randint(1, 12), self.r.randint(1, 28))

    def simple_value(self, base, name, st=None, lang="en-GB"):
        r = self.r
        if st is None and base in self.s.simple:
            st = self.s.simple[base]
        if st is not None:
            v = self.enum(st)
            if v is not None:
                return v
            res = st.find(XS + "restriction")
            base = res.get("base") if res is not None else base
            name_t = st.get("name")
            if name_t in ("date", "time", "lang-tag", "id", "email", "phone", "text-value"):
                base = name_t
        if base in ("date", "xs:date"):
            return self.date(2008, 2021) if name == "date-of-birth" else self.date(2023, 2028)
        if base in ("time", "xs:time"):
            return "%02d:%02d:00" % (r.randint(8, 17), r.choice([0, 15, 30, 45]))
        if base == "lang-tag":
            return r.choice(["en", "en-GB", "ur", "bn", "ar", "pl", "zh-Hans", "ta", "pa-Arab", "ro"])
        if base == "id":
            return "x%d" % r.randint(1, 99)
        if base == "email":
            return r.choice(["a.parent@example.org", "senco@school.example.sch.uk", "x_y+z@example.com"])
        if base == "phone":
            return r.choice(["07700 900123", "+44 161 496 0000", "0161 496-0001"])
        if base == "xs:boolean":
            return r.choice(["true", "false", "true", "false", "1", "0"])
        return self.prose(lang)

    # ---- elements ----
    def element(self, decl, ctx, parent_is_list_of_one):
        """Occurrences of decl as Nodes (originals, each followed by its translations)."""
        r = self.r
        name = decl.get("name")
        lo, hi = occurs(decl)
        ct = self.s.complex_of(decl)
        base, attrs, translatable = (None, [], False)
        if ct is not None:
            base, attrs, translatable = self.s.simple_base(ct)
        simple = ct is None or base is not None
        is_list = hi > 1 and name in LISTS
        if is_list:
            n = r.choice([1, 1, 2, 3, 5]) if lo >= 1 else r.choice([0, 1, 2, 3])
            if ctx["mode"] == "max":
                n = max(n, 3)
            if ctx["mode"] == "min":
                n = lo
            n = max(n, lo)
        else:
            n = 1 if lo >= 1 else (0 if ctx["mode"] == "min" else 1 if ctx["mode"] == "max" else
                                   int(r.random() < 0.75))
        out = []
        for _ in range(n):
            x = Node(name)
            if simple:
                st = decl.find(XS + "simpleType")
                if ct is None:
                    x.text = self.simple_value(decl.get("type"), name, st, ctx["case_lang"])
                else:
                    x.text = self.simple_value(base, name, None, ctx["case_lang"])
                self.attributes(x, attrs, ctx)
                out.append(x)
                if translatable:
                    for tl in ctx["tr_langs"]:
                        if tl != ctx["case_lang"] and r.random() < ctx["tr_p"]:
                            t = Node(name)
                            t.lang = tl
                            t.text = self.prose(tl)
                            out.append(t)
            else:
                self.complex_content(x, ct, ctx)
                out.append(x)
        return out

    def attributes(self, x, attrs, ctx):
        req_orig = REQUIRED_ON_ORIGINAL.get(x.name, [])
        for a in attrs:
            an = a.get("name")
            if not an:
                continue
            if a.get("fixed"):
                x.attrs[an] = a.get("fixed")
                continue
            if a.get("use") != "required" and an not in req_orig and self.r.random() < 0.4:
                continue
            if an == "id" and x.name in ID_KINDS:
                ctx["seq"] += 1
                x.attrs[an] = "%s-%d" % (x.name, ctx["seq"])
            elif an in REFS and a.get("type") == "id":
                x.attrs[an] = "@ref:" + REFS[an]
            else:
                st = a.find(XS + "simpleType")
                x.attrs[an] = self.simple_value(a.get("type"), an, st, ctx["case_lang"])

    def complex_content(self, x, ct, ctx):
        seq = ct.find(XS + "sequence")
        decls = list(seq.findall(XS + "element")) if seq is not None else []
        for d in decls:
            x.kids += self.element(d, ctx, len(decls) == 1)
        self.attributes(x, ct.findall(XS + "attribute"), ctx)

    def case(self, mode):
        r = self.r
        case_lang = r.choice(["en-GB", "en-GB", "en-GB", "pl", "ur"])
        ctx = {"mode": mode, "case_lang": case_lang, "seq": 0,
               "tr_langs": r.sample([l for l in DOC_LANGS if l != case_lang], r.randint(0, 3)),
               "tr_p": r.choice([0.0, 0.5, 1.0])}
        root = Node("case")
        self.complex_content(root, self.s.complex_of(self.s.case), ctx)
        root.attrs["version"] = "1"
        fix_refs(root, r)
        fix_dates(root)
        for p in walk(root):
            if p.name == "photo" and "src" in p.attrs:
                p.attrs["src"] = "photos/child.png"
        return root, case_lang, ctx["tr_langs"]


def walk(n):
    yield n
    for k in n.kids:
        yield from walk(k)


def fix_refs(root, r):
    ids = {}
    for n in walk(root):
        if n.name in ID_KINDS and "id" in n.attrs:
            ids.setdefault(n.name, []).append(n)

    def prune(n):
        keep = []
        dead_orig = None
        for k in n.kids:
            if k.lang and dead_orig == k.name:  # a dropped original's translations go with it
                continue
            dead_orig = None
            refs = {a: v[5:] for a, v in k.attrs.items() if v.startswith("@ref:")}
            dead = False
            for a, kind in refs.items():
                if ids.get(kind):
                    k.attrs[a] = r.choice(ids[kind]).attrs["id"]
                elif a in REQUIRED_ON_ORIGINAL.get(k.name, []) or (k.name == "item" and n.name == "provision") \
                        or k.name == "tried":
                    dead = True
                else:
                    del k.attrs[a]
            if k.name == "item" and n.name == "provision" and not dead:
                out = next(o for o in ids["outcome"] if o.attrs["id"] == k.attrs["outcome"])
                k.attrs["need"] = out.attrs["need"]
            if not dead:
                prune(k)
                keep.append(k)
            else:
                dead_orig = k.name
        n.kids = keep

    prune(root)
    # a container whose every item went (provision, progress without outcomes) goes too;
    # its schema has minOccurs="1" items, and the container itself is optional
    def drop_empty(n):
        n.kids = [k for k in n.kids if not (k.text is None and not k.kids and not k.attrs and k.name != "case")]
        for k in n.kids:
            drop_empty(k)
    drop_empty(root)


def fix_dates(root):
    for scope, early, late, strict in DATE_ORDER:
        for n in walk(root):
            if n.name != scope:
                continue
            e = next((k for k in n.kids if k.name == early), None)
            l = next((k for k in n.kids if k.name == late), None)
            if e is None or l is None:
                continue
            if l.text < e.text or (strict and l.text == e.text):
                y = int(e.text[:4]) + 1
                l.text = "%04d%s" % (y, e.text[4:])


def to_xml(n, lang, depth=0):
    pad = "  " * depth
    attrs = "".join(" %s=%s" % (k, quoteattr(v)) for k, v in n.attrs.items())
    if n.lang:
        attrs += ' xml:lang="%s"' % n.lang
    if depth == 0:
        attrs = ' version="1" xml:lang="%s"' % lang
    if n.text is not None:
        return "%s<%s%s>%s</%s>\n" % (pad, n.name, attrs, escape(n.text), n.name)
    inner = "".join(to_xml(k, lang, depth + 1) for k in n.kids)
    return "%s<%s%s>\n%s%s</%s>\n" % (pad, n.name, attrs, inner, pad, n.name)


def declared(schema):
    """Every element the schema declares, by path: (path, minOccurs, maxOccurs),
    and every enumeration: (what, values) with what an element or attribute path."""
    elems, enums = [], []

    def enum_of(type_name, inline):
        st = inline if inline is not None else schema.simple.get(type_name)
        return [e.get("value") for e in st.iter(XS + "enumeration")] if st is not None else []

    def visit(decl, path, depth):
        lo, hi = occurs(decl)
        p = path + "/" + decl.get("name")
        elems.append((p, lo, hi))
        ct = schema.complex_of(decl)
        vals = enum_of(decl.get("type"), decl.find(XS + "simpleType"))
        attrs = []
        if ct is not None:
            base, attrs, _ = schema.simple_base(ct)
            if base:
                vals = enum_of(base, None)
            attrs = attrs + ct.findall(XS + "attribute")
            seq = ct.find(XS + "sequence")
            for d in (seq.findall(XS + "element") if seq is not None else []):
                if depth < 12:
                    visit(d, p, depth + 1)
        if vals:
            enums.append((p, vals))
        for a in attrs:
            av = enum_of(a.get("type"), a.find(XS + "simpleType"))
            if av and a.get("name"):
                enums.append((p + "/@" + a.get("name"), av))

    visit(schema.case, "", 0)
    return elems, enums


def coverage(xsd, files):
    """What the generated files cover: a list of gaps (empty: every optional
    element was seen present and absent, every list repeated, every
    enumeration value used), and counts."""
    schema = Schema(xsd)
    elems, enums = declared(schema)
    present, absent, repeated = set(), set(), set()
    values = {}
    parents = set(p.rsplit("/", 1)[0] for p, _, _ in elems)
    for f in files:
        root = ET.parse(f).getroot()

        def walk_el(el, path):
            counts = {}
            for k in el:
                if k.get("{%s}lang" % XML_NS) is not None:
                    continue  # a translation (gen.py puts xml:lang on translations only)
                counts[k.tag] = counts.get(k.tag, 0) + 1
                kp = path + "/" + k.tag
                if len(k) == 0 and k.text:
                    values.setdefault(kp, set()).add(k.text.strip())
                for an, av in k.attrib.items():
                    values.setdefault(kp + "/@" + an, set()).add(av)
                walk_el(k, kp)
            if path in parents:
                for p, lo, hi in elems:
                    if p.rsplit("/", 1)[0] == path:
                        n = counts.get(p.rsplit("/", 1)[1], 0)
                        (present if n else absent).add(p)
                        if n > 1:
                            repeated.add(p)

        walk_el(root, "/case")
    gaps = []
    for p, lo, hi in elems:
        if p == "/case":
            continue
        if p not in present and p.rsplit("/", 1)[0] in present | {"/case"}:
            gaps.append("never present: " + p)
        if lo == 0 and p not in absent and p.rsplit("/", 1)[0] in present | {"/case"}:
            gaps.append("never absent: " + p)
        if hi > 1 and p.rsplit("/", 1)[1] in LISTS and p not in repeated and p in present:
            gaps.append("never repeated: " + p)
    n_vals = 0
    for p, vals in enums:
        seen = values.get(p, set())
        n_vals += len(vals)
        for v in vals:
            if v not in seen and (p.split("/@")[0] in present or p == "/case"):
                gaps.append("enumeration value never used: %s = %s" % (p, v))
    optional = sum(1 for _, lo, _ in elems if lo == 0)
    return gaps, {"elements": len(elems), "optional": optional, "enumeration values": n_vals}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xsd", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--photo", help="a PNG copied beside the cases as photos/child.png")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    g = Gen(Schema(a.xsd), rng)
    modes = ["min", "max", "mixed", "mixed", "mixed"]
    for i in range(a.count):
        root, case_lang, tr_langs = g.case(modes[i % len(modes)])
        # the document language: one the case has translations into, or another
        doc_lang = rng.choice(tr_langs + [rng.choice(DOC_LANGS)])
        d = os.path.join(a.out, doc_lang)
        if not os.path.isdir(d):
            os.makedirs(os.path.join(d, "photos"))
            if a.photo:
                shutil.copy(a.photo, os.path.join(d, "photos", "child.png"))
        with open(os.path.join(d, "case-%04d.xml" % i), "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            f.write("<!-- generated by tests/gen/gen.py, seed %d, case %d, mode %s: fictional -->\n"
                    % (a.seed, i, modes[i % len(modes)]))
            f.write(to_xml(root, case_lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
