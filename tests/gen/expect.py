"""What a template is meant to show for a case: the case values its fields
pick, found by walking the template's {{...}} sections the way the engine's
expander does (engine/template.c documents the language; this mirrors
engine/template_expand.c's look-ups: scopes, containers, id references,
translations). Messages, dates and times are formatted by the locale and are
not listed; every {{path}} field with text is.

    values(template_text, case_path, doc_lang) -> list of (path, text)
"""
import re
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TOKEN = re.compile(r"\{\{(.*?)\}\}", re.S)


# ---- the case as the engine sees it (engine/case_tree.c) ----

class CNode:
    __slots__ = ("name", "text", "lang", "is_attr", "children", "translations", "parent")

    def __init__(self, name, text, lang, is_attr=False, parent=None):
        self.name, self.text, self.lang, self.is_attr = name, text, lang, is_attr
        self.children, self.translations, self.parent = [], [], parent


def collapse(s):
    return " ".join(s.split()) if s is not None else None


def build(el, parent, lang):
    lang = el.get(XML_LANG) or lang
    kids = list(el)
    text = collapse(el.text or "") if not kids else None
    n = CNode(el.tag, text, lang, parent=parent)
    orig = None
    for k in kids:
        kl = k.get(XML_LANG)
        if orig is not None and k.tag == orig.name and kl and (not orig.lang or kl.lower() != orig.lang.lower()):
            orig.translations.append(build(k, n, lang))
            continue
        c = build(k, n, lang)
        n.children.append(c)
        orig = c
    for a, v in el.attrib.items():
        if a.startswith("{"):
            continue
        n.children.append(CNode(a, collapse(v), lang, True, n))
    return n


def load_case(path):
    return build(ET.parse(path).getroot(), None, None)


# ---- the template as sections ----

def parse_template(text):
    body = text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        body = text[text.find("\n", end + 1) + 1:] if end >= 0 else ""
    # an image's alt and source are not printed text
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)
    root = ("seq", [])
    stack = [root]
    for m in TOKEN.finditer(body):
        tok = m.group(1).strip()
        top = stack[-1]
        cur = top[1] if top[0] == "seq" else top[-1]
        if tok.startswith("#each "):
            node = ["each", tok[6:].strip(), [], [], None]
            node[4] = node[2]
            cur.append(node)
            stack.append(node)
        elif tok.startswith("#if "):
            cond = tok[4:].strip()
            mm = re.match(r'^(\S+)\s*(==|!=)\s*["\'](.*)["\']$', cond)
            node = ["if", mm.group(1) if mm else cond, mm.group(2) if mm else None, mm.group(3) if mm else None,
                    [], [], None]
            node[6] = node[4]
            cur.append(node)
            stack.append(node)
        elif tok.startswith("#lang "):
            node = ["lang", tok[6:].strip(), [], None]
            node[3] = node[2]
            cur.append(node)
            stack.append(node)
        elif tok == "else":
            top[-1] = top[3] if top[0] == "each" else top[5]
        elif tok in ("/each", "/if", "/lang"):
            stack.pop()
        elif re.match(r"^[A-Za-z0-9_.>-]+$", tok) or tok == ".":
            cur.append(["field", tok])
    return root


# ---- evaluation (engine/template_expand.c) ----

class Ctx:
    def __init__(self, case, doc_lang):
        self.case, self.doc_lang, self.lang = case, doc_lang, doc_lang
        self.scopes = []  # (item, index, count)
        self.ids = {}
        stack = [case]
        while stack:
            x = stack.pop()
            for k in x.children:
                if k.is_attr:
                    if k.name == "id" and k.text:
                        self.ids.setdefault(k.text, x)
                else:
                    stack.append(k)


def child_named(n, name):
    for k in n.children if n else []:
        if k.name == name:
            return k
    return None


def find_below(base, path):
    n = base
    for seg in path.split(".") if path else []:
        n = child_named(n, seg)
        if n is None:
            return None
    return n


def resolve_dotted(c, path):
    if path == ".":
        return c.scopes[-1][0] if c.scopes else None
    for item, _, _ in reversed(c.scopes):
        n = find_below(item, path)
        if n is not None:
            return n
    return find_below(c.case, path)


def resolve(c, path):
    parts = path.split(">")
    n = resolve_dotted(c, parts[0])
    for rest in parts[1:]:
        if n is None:
            return None
        n = c.ids.get(n.text)
        if n is not None and rest != ".":
            n = find_below(n, rest)
    return n


LIKELY = {"pa": ("Guru", "Arab"), "sd": ("Arab", "Arab"), "ur": ("Arab", "Arab"), "ks": ("Arab", "Arab"),
          "zh": ("Hans", "Hant"), "sr": ("Cyrl", "Cyrl")}


def script_of(tag):
    parts = re.split("[-_]", tag)
    alt = False
    for p in parts[1:]:
        if len(p) == 4:
            return p[0].upper() + p[1:].lower()
        if p.upper() in ("PK", "TW", "HK"):
            alt = True
    if parts[0].lower() in LIKELY:
        return LIKELY[parts[0].lower()][1 if alt else 0]
    return ""


def lang_near(want, have):
    if re.split("[-_]", want)[0].lower() != re.split("[-_]", have)[0].lower():
        return False
    a, b = script_of(want), script_of(have)
    return not a or not b or a == b


def text_in(n, lang):
    if lang:
        for near in (False, True):
            for k in [n] + n.translations:
                if not k.text or not k.lang:
                    continue
                if (lang_near(lang, k.lang) if near else k.lang.lower() == lang.lower()):
                    return k.text
    return n.text


def each_items(c, path):
    dot = path.rfind(".")
    ppath, last = (path[:dot], path[dot + 1:]) if dot >= 0 else ("", path)
    parent = None
    bases = [s[0] for s in reversed(c.scopes)] + [c.case]
    for base in bases:
        par = find_below(base, ppath) if ppath else base
        if par is not None and child_named(par, last) is not None:
            parent = par
            break
    if parent is None:
        return []
    found = [k for k in parent.children if not k.is_attr and k.name == last]
    if len(found) == 1 and not found[0].text:
        kids = [k for k in found[0].children if not k.is_attr]
        if len({k.name for k in kids}) <= 1:
            return kids
    return found


def truthy(c, path):
    if path == "@first":
        return bool(c.scopes) and c.scopes[-1][1] == 1
    if path == "@last":
        return bool(c.scopes) and c.scopes[-1][1] == c.scopes[-1][2]
    n = len(each_items(c, path))
    x = resolve(c, path)
    if x is None:
        return False
    if n > 1:
        return True
    if x.text is not None:
        t = text_in(x, c.lang)
        return bool(t) and t not in ("false", "0")
    return any(not k.is_attr for k in x.children)


def condition(c, path, cmp, value):
    if cmp is None:
        return truthy(c, path)
    if path == "@lang":
        l = c.lang or ""
        eq = l.lower() == value.lower() or l.lower().startswith(value.lower() + "-")
    else:
        x = resolve(c, path)
        eq = (x.text if x is not None and x.text else "") == value
    return eq if cmp == "==" else not eq


def run(c, seq, out):
    for node in seq:
        kind = node[0]
        if kind == "field":
            x = resolve(c, node[1])
            if x is not None and x.text:
                t = text_in(x, c.lang)
                if t:
                    out.append((node[1], t))
        elif kind == "each":
            items = each_items(c, node[1])
            for i, it in enumerate(items):
                c.scopes.append((it, i + 1, len(items)))
                run(c, node[2], out)
                c.scopes.pop()
            if not items:
                run(c, node[3], out)
        elif kind == "if":
            run(c, node[4] if condition(c, node[1], node[2], node[3]) else node[5], out)
        elif kind == "lang":
            saved = c.lang
            c.lang = c.doc_lang if node[1] == "doc" else node[1]
            run(c, node[2], out)
            c.lang = saved


def values(template_text, case_path, doc_lang):
    out = []
    c = Ctx(load_case(case_path), doc_lang)
    run(c, parse_template(template_text)[1], out)
    return out
