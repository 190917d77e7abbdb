#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# Doxygen's input filter for the Markdown pages (docs/Doxyfile,
# FILTER_PATTERNS): prints the file with what Doxygen 1.9.4 reads otherwise
# than GitHub rewritten, so that the files stay written for a forge:
# - every heading gets an id, its GitHub anchor prefixed with the page's name
#   (1.9.4 makes none a link can name); the page's first heading names the
#   page; a heading loses its code spans' backticks (1.9.4 shows their <tt>
#   tags as text);
# - a link to another Markdown file of the repository, with or without a
#   #fragment, becomes a \ref to that page or heading, so that a target that
#   disappears is a Doxygen warning, which fails `tools/docs.sh --check`;
# - emphasis that opens on a quote (*"..."*) becomes <em>, `\*` a `*`, and a
#   code span with an escaped `\|` (in a table) a <tt> element.
# Lines are neither added nor removed, so Doxygen's warnings keep their line
# numbers.

import html
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target): the text holds no brackets, the target no spaces or parens.
LINK = re.compile(r"\[([^\]\[]+)\]\(([^()\s]+)\)")


def page_label(path):
    """The page name of a Markdown file of the repository."""
    rel = os.path.relpath(os.path.abspath(path), REPO)
    if rel == "README.md":
        return "index"  # the main page (USE_MDFILE_AS_MAINPAGE)
    rel = rel[: -len(".md")]
    if rel.startswith("docs" + os.sep):
        rel = rel[len("docs" + os.sep) :]
    return re.sub(r"[^a-z0-9]+", "_", rel.lower()).strip("_")


def github_slug(title):
    """GitHub's anchor of a heading: lower case, punctuation dropped."""
    text = re.sub(r"`|\*\*?|__", "", title).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchor(label, slug):
    return label + "_" + re.sub(r"[^a-z0-9_]+", "_", slug).strip("_")


def rewrite_link(match, here):
    text, target = match.group(1), match.group(2)
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("@ref"):
        return match.group(0)  # a URL, or already Doxygen's
    path, _, fragment = target.partition("#")
    if path == "":
        if not fragment:
            return match.group(0)
        return f"[{text}](@ref {anchor(page_label(here), fragment)})"
    if not path.endswith(".md"):
        return match.group(0)  # left to the link check
    full = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(here)), path))
    label = page_label(full)
    if fragment:
        label = anchor(label, fragment)
    return f"[{text}](@ref {label})"


def rewrite_text(text, here):
    """Markdown outside code spans."""
    text = LINK.sub(lambda m: rewrite_link(m, here), text)
    text = re.sub(r'(?<![\w*\\])\*(?=")', "<em>", text)
    text = re.sub(r'(?<=")\*(?![\w*])', "</em>", text)
    return text.replace("\\*", "*")


def rewrite_code(code):
    """A code span; one holding `\\|` keeps its bar, as on GitHub."""
    if "\\|" not in code:
        return f"`{code}`"
    return f"<tt>{html.escape(code, quote=False)}</tt>"


def main():
    here = sys.argv[1]
    label = page_label(here)
    seen = {}
    in_fence = False
    first = True
    out = sys.stdout
    with open(here, encoding="utf-8") as f:
        for line in f:
            body = line.rstrip("\n")
            if FENCE.match(body):
                in_fence = not in_fence
                out.write(line)
                continue
            if in_fence:
                out.write(line)
                continue
            m = HEADING.match(body)
            if m and "{#" not in body:
                title = m.group(2)
                if first and len(m.group(1)) == 1:
                    # The main page keeps Doxygen's own name, "index".
                    id_ = None if label == "index" else label
                else:
                    slug = github_slug(title)
                    n = seen.get(slug, 0)
                    seen[slug] = n + 1
                    id_ = anchor(label, slug if n == 0 else f"{slug}-{n}")
                first = False
                title = title.replace("`", "")
                body = f"{m.group(1)} {title}" + (f" {{#{id_}}}" if id_ else "")
            # Outside code spans only: `[](int x)` is a lambda, not a link.
            parts = body.split("`")
            if len(parts) % 2 == 0:  # an unclosed backtick: no code span
                parts = [body]
            for i, part in enumerate(parts):
                parts[i] = rewrite_code(part) if i % 2 else rewrite_text(part, here)
            out.write("".join(parts) + "\n")


if __name__ == "__main__":
    main()
