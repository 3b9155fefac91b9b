"""Vendored copy of a tiny slug helper (normally cloned into vendor/ by a build step)."""

import re


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
