#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The checks of the reference site that Doxygen does not make itself, run by
# `tools/docs.sh --check` (Python 3.11, standard library only):
#
#   check_docs.py site BUILD_DIR
#       Every local href/src of every HTML file, and every page a navigation
#       or search index (*.js) names, must exist inside the site, and its
#       #fragment must be an id or name in the target. Prints the broken ones
#       and fails; prints the pages, the links checked and the documented
#       public entities (counted from Doxygen's XML).
#   check_docs.py render DOM PNG KIND
#       Judges what headless Chromium made of a page: DOM is its --dump-dom,
#       PNG its --screenshot. KIND is `index` or `class:NAME`. Fails when the
#       DOM lacks what only Doxygen's JavaScript builds (the menu, the search
#       box, the navigation tree), when a class page lacks its name and its
#       member list, or when the screenshot is missing or one colour.

import html.parser
import os
import re
import struct
import sys
import urllib.parse
import xml.etree.ElementTree as ET
import zlib

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, mailto:, javascript:, ...
# Quoted page names in Doxygen's navigation and search data.
JS_PAGE = re.compile(r"""["']((?:\.\./)?[\w./-]+\.html(?:#[\w.:-]*)?)["']""")
LINK_ATTRS = {"href", "src"}


class Page(html.parser.HTMLParser):
    """The anchors a page defines and the local links it makes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            elif name in LINK_ATTRS:
                self.links.append((tag, value))


def parse_page(path, cache):
    if path not in cache:
        page = Page()
        with open(path, encoding="utf-8", errors="replace") as f:
            page.feed(f.read())
        cache[path] = page
    return cache[path]


def check_target(root, here, target, cache):
    """None if `target`, written in file `here`, resolves; else why not."""
    if target.startswith("#"):
        path, fragment = here, target[1:]
    else:
        raw, _, fragment = target.partition("#")
        raw = urllib.parse.unquote(raw.partition("?")[0])
        path = os.path.normpath(os.path.join(os.path.dirname(here), raw))
    if os.path.commonpath([root, path]) != root:
        return "outside the site"
    if not os.path.isfile(path):
        return "no such file"
    fragment = urllib.parse.unquote(fragment)
    if fragment and path.endswith(".html"):
        if fragment not in parse_page(path, cache).anchors:
            return f"no anchor #{fragment} in {os.path.relpath(path, root)}"
    return None


def count_entities(xml_dir):
    """Documented public (and protected) entities, by kind, from the XML."""

    def documented(node):
        return any(
            "".join(node.find(k).itertext()).strip()
            for k in ("briefdescription", "detaileddescription")
            if node.find(k) is not None
        )

    counts, undocumented = {}, []
    index = ET.parse(os.path.join(xml_dir, "index.xml")).getroot()
    for compound in index.findall("compound"):
        kind = compound.get("kind")
        if kind not in ("class", "struct", "union", "concept", "namespace"):
            continue  # files and pages repeat what namespaces hold
        path = os.path.join(xml_dir, compound.get("refid") + ".xml")
        for cdef in ET.parse(path).getroot().findall("compounddef"):
            name = cdef.findtext("compoundname")
            if cdef.get("prot", "public") == "private":
                continue
            if kind != "namespace":
                key = "concepts" if kind == "concept" else "classes"
                if documented(cdef):
                    counts[key] = counts.get(key, 0) + 1
                else:
                    undocumented.append(name)
            for section in cdef.findall("sectiondef"):
                for m in section.findall("memberdef"):
                    if m.get("prot") == "private" or m.get("kind") == "friend":
                        continue
                    if (m.findtext("argsstring") or "").replace(" ", "").endswith("=delete"):
                        continue  # not something to call
                    key = m.get("kind") + "s"
                    if documented(m):
                        counts[key] = counts.get(key, 0) + 1
                    else:
                        undocumented.append(f"{name}::{m.findtext('name')}")
                    for v in m.findall("enumvalue"):
                        if documented(v):
                            counts["enum values"] = counts.get("enum values", 0) + 1
                        else:
                            undocumented.append(f"{name}::{v.findtext('name')}")
    return counts, undocumented


def site(build_dir):
    root = os.path.realpath(os.path.join(build_dir, "html"))
    cache, broken = {}, []
    pages = links = 0
    for dirpath, _, files in os.walk(root):
        for file in sorted(files):
            path = os.path.join(dirpath, file)
            if file.endswith(".html"):
                pages += 1
                targets = [v for _, v in parse_page(path, cache).links]
            elif file.endswith(".js") and file != "jquery.js":
                with open(path, encoding="utf-8", errors="replace") as f:
                    targets = JS_PAGE.findall(f.read())
            else:
                continue
            for target in targets:
                if not target or EXTERNAL.match(target) or target == "#":
                    continue
                links += 1
                why = check_target(root, path, target, cache)
                if why:
                    broken.append(f"{os.path.relpath(path, root)}: {target}: {why}")
    counts, undocumented = count_entities(os.path.join(build_dir, "xml"))
    print(f"pages: {pages} HTML files")
    print(f"links checked: {links} (local href/src and navigation entries)")
    total = sum(counts.values())
    detail = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"documented public entities: {total} ({detail})")
    ok = True
    if undocumented:
        # Doxygen warns about these too; this catches a setting that hides it.
        print(f"error: {len(undocumented)} public entities without documentation:")
        for name in undocumented:
            print(f"  {name}")
        ok = False
    if broken:
        print(f"error: {len(broken)} broken links:")
        for b in broken:
            print(f"  {b}")
        ok = False
    return ok


def png_rows(path):
    """(width, channels, rows): the PNG's pixel rows, unfiltered."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour})")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) < height * (stride + 1):
        raise ValueError("truncated image data")

    def rows():
        bpp = channels
        prev = bytearray(stride)
        for y in range(height):
            start = y * (stride + 1)
            kind = raw[start]
            line = bytearray(raw[start + 1 : start + 1 + stride])
            if kind == 1:  # Sub
                for i in range(bpp, stride):
                    line[i] = (line[i] + line[i - bpp]) & 0xFF
            elif kind == 2:  # Up
                line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
            elif kind == 3:  # Average
                for i in range(stride):
                    left = line[i - bpp] if i >= bpp else 0
                    line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
            elif kind == 4:  # Paeth
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b = prev[i]
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    line[i] = (line[i] + pred) & 0xFF
            elif kind != 0:
                raise ValueError(f"bad PNG filter {kind} in row {y}")
            yield bytes(line)
            prev = line

    return width, height, channels, rows()


def png_pixels(path):
    """(width, height, distinct colours, share of the commonest colour), from
    every 4th pixel of every row."""
    width, height, channels, rows = png_rows(path)
    colours = {}
    for row in rows:
        for x in range(0, len(row), channels * 4):
            px = row[x : x + channels]
            colours[px] = colours.get(px, 0) + 1
    return width, height, len(colours), max(colours.values()) / sum(colours.values())


def render(dom_path, png_path, kind):
    problems = []
    try:
        with open(dom_path, encoding="utf-8", errors="replace") as f:
            dom = f.read()
    except OSError as e:
        dom = ""
        problems.append(f"no DOM dump ({e})")
    # What only Doxygen's JavaScript builds: menu.js fills #main-nav with the
    # menu and the search box, navtree.js fills the navigation tree.
    if not re.search(r'<ul[^>]*id="main-menu"', dom):
        problems.append("the menu (menu.js: ul#main-menu) was not built")
    if 'id="MSearchField"' not in dom:
        problems.append("the search box (menu.js: #MSearchField) was not built")
    tree = dom.partition('id="nav-tree-contents"')[2]
    if len(re.findall(r'<div class="item', tree)) < 5:
        problems.append("the navigation tree (navtree.js) was not built")
    text = re.sub(r"<[^>]+>", " ", dom)
    if kind == "index":
        for needed in ("concurrent-futures", "A tour for Python users"):
            if needed not in text:
                problems.append(f"the main page lacks {needed!r}")
    elif kind.startswith("class:"):
        name = kind[len("class:") :]
        if not re.search(rf"{re.escape(name)}\s+Class\s+Reference", text):
            problems.append(f"the class page lacks its title ({name} Class Reference)")
        members = re.findall(r'<td class="memItemRight"', dom)
        if "Public Member Functions" not in text or len(members) < 5:
            problems.append(f"the class page lacks its member list ({len(members)} members)")
    try:
        width, height, ncolours, top = png_pixels(png_path)
        figures = f"{width}x{height}, {ncolours} colours, {top:.0%} the commonest"
        if ncolours < 16 or top > 0.97:
            problems.append(f"the screenshot is blank ({figures})")
    except (OSError, ValueError, TypeError, zlib.error) as e:
        figures = ""
        problems.append(f"no usable screenshot {png_path} ({e})")
    label = os.path.basename(png_path)
    if problems:
        print(f"error: {label}: the page did not render:")
        for p in problems:
            print(f"  {p}")
        return False
    print(f"rendered: {label}: menu, search box and navigation tree built; {figures}")
    return True


def main(argv):
    if len(argv) == 3 and argv[1] == "site":
        return 0 if site(argv[2]) else 1
    if len(argv) == 5 and argv[1] == "render":
        return 0 if render(argv[2], argv[3], argv[4]) else 1
    print("usage: check_docs.py site BUILD_DIR | render DOM PNG KIND", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
