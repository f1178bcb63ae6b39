"""BibTeX entries of the registered tasks and methods, and the `.bib` file of any set of them.

Every TaskSpec and MethodSpec names its BibTeX keys in `cite=`; the entries live in one shared file,
harness/references.bib, checked by tests/harness/test_bibliography.py (every key present, no entry unused,
bibtex reads the file without a warning). A plugin that cites a paper the shared file lacks brings the entry
itself with `add_entries(...)` before it registers; a key found in neither is an error at registration.

    from harness import bibliography, registry
    keys = registry.cite_keys(["digits", "mnist1d"], ["cnn", "gru"])
    bibliography.write_bib(keys, "paper/references.bib")

The parser reads `@type{key, field = {...}, ...}` blocks and nothing more (no @string macros, no `#`
concatenation, no parenthesised entries): the shared file uses none, and a plugin's text that does gets a
ValueError naming the line, never a silently wrong entry.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from harness.io import atomic_write_text
from harness.specs import CITE_KEY_PATTERN

BIB_FILE = Path(__file__).with_name("references.bib")
# software every run goes through, whatever its task and method: the paper's setup section cites these
HARNESS_KEYS: tuple[str, ...] = ("paszke2019pytorch", "gugger2022accelerate", "detlefsen2022torchmetrics")
_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*")
_SKIPPED = {"comment", "preamble", "string"}  # bibtex's own commands, not entries
_FIELD = re.compile(r"[\s,]*([A-Za-z][\w-]*)\s*=\s*")
_EXTRA: dict[str, str] = {}  # key -> entry text brought by plugins (add_entries)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _close(text: str, start: int, source: str) -> int:
    """The index just past the brace that closes the one at `start` (bibtex counts every brace, escaped or not)."""
    depth = 0
    for pos in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[pos], 0)
        if depth == 0:
            return pos + 1
    raise ValueError(f"{source}:{_line(text, start)}: unbalanced braces: the entry opened here never closes")


def parse(text: str, source: str = "bib") -> dict[str, str]:
    """key -> full entry text of every `@type{key, ...}` block, in file order; text between entries is
    ignored, as bibtex ignores it. Unbalanced braces, a bad or repeated key: a ValueError naming the line."""
    found: dict[str, str] = {}
    pos = 0
    while (at := text.find("@", pos)) >= 0:
        head = _HEAD.match(text, at)
        where = f"{source}:{_line(text, at)}"
        if head is None or head.end() >= len(text) or text[head.end()] != "{":
            raise ValueError(f"{where}: expected '@type{{key, ...}}' (entries in parentheses are not read)")
        end = _close(text, head.end(), source)
        pos = end
        if head.group(1).lower() in _SKIPPED:
            continue
        key = text[head.end() + 1:end].split(",", 1)[0].strip()
        if not re.fullmatch(CITE_KEY_PATTERN, key):
            raise ValueError(f"{where}: bad citation key {key!r}: use letters, digits and _:.+-")
        if key in found:
            raise ValueError(f"{where}: citation key '{key}' appears twice")
        found[key] = text[at:end]
    return found


def _value(body: str, pos: int, where: str) -> tuple[str, int]:
    """One field value at `pos` (braced, quoted or a bare word), and the index after it."""
    if body[pos] == "{":
        end = _close(body, pos, where)
        return body[pos + 1:end - 1], end
    if body[pos] == '"':
        end, depth = pos + 1, 0
        while end < len(body) and (body[end] != '"' or depth):
            depth += {"{": 1, "}": -1}.get(body[end], 0)
            end += 1
        return body[pos + 1:end], end + 1
    word = re.match(r"[^,\s}#]*", body[pos:]).group(0)
    return word, pos + len(word)


def fields(entry: str) -> dict[str, str]:
    """field name (lower-case) -> raw value (outer braces or quotes removed) of one entry's text."""
    body = entry[entry.index("{") + 1:entry.rindex("}")]
    body = body.split(",", 1)[1] if "," in body else ""
    key = entry[entry.index("{") + 1:].split(",", 1)[0].strip()
    out: dict[str, str] = {}
    pos = 0
    while (name := _FIELD.match(body, pos)) is not None:
        if name.end() >= len(body):
            raise ValueError(f"entry '{key}': field '{name.group(1)}' has no value")
        value, pos = _value(body, name.end(), key)
        if re.match(r"\s*#", body[pos:]):
            raise ValueError(f"entry '{key}': '#' concatenation is not read; write the value in one piece")
        out[name.group(1).lower()] = " ".join(value.split())
    if body[pos:].strip(" \t\r\n,"):
        raise ValueError(f"entry '{key}': cannot read the fields from {body[pos:].strip()[:40]!r}")
    return out


@functools.cache
def _shared() -> dict[str, str]:
    return parse(BIB_FILE.read_text(encoding="utf-8"), str(BIB_FILE))


def entries() -> dict[str, str]:
    """key -> full entry text: the shared file's entries, then those plugins added."""
    return {**_shared(), **_EXTRA}


def add_entries(text: str, source: str = "plugin") -> list[str]:
    """Entries a plugin brings for papers the shared file lacks (BibTeX text); returns their keys. Call it
    before registering the specs that cite them. A key already known with different text is a ValueError."""
    new = parse(text, source)
    known = entries()
    clash = [k for k, entry in new.items() if k in known and known[k] != entry]
    if clash:
        raise ValueError(f"{source}: citation keys already defined differently: {', '.join(clash)}")
    _EXTRA.update(new)
    return list(new)


def check_known(kind: str, name: str, cite: Iterable[str]) -> None:
    """Every key a task or method cites has an entry (called when it registers)."""
    from harness.errors import unknown

    known = entries()
    for key in cite:
        if key not in known:
            raise unknown("citation key", key, known, where=f"{kind} '{name}' (cite=); add its entry to "
                          f"{BIB_FILE.name} or, from a plugin, with harness.bibliography.add_entries")


def _shorten_authors(entry: str, max_authors: int) -> str:
    """The entry with an author list longer than `max_authors` cut to its first `max_authors` names and
    "and others" (BibTeX styles print "et al."): software papers list twenty or more authors."""
    found = re.search(r"\bauthor\s*=\s*\{", entry, flags=re.IGNORECASE)
    if found is None:
        return entry
    end = _close(entry, found.end() - 1, "entry")
    names = re.split(r"\s+and\s+", " ".join(entry[found.end():end - 1].split()))
    if len(names) <= max_authors:
        return entry
    return entry[:found.end()] + " and ".join([*names[:max_authors], "others"]) + entry[end - 1:]


def render(keys: Iterable[str], max_authors: int | None = None) -> str:
    """The .bib text of `keys` (each once, in the order given); an unknown key is a ValueError. With
    `max_authors`, longer author lists end in "and others" (a paper's compact bibliography)."""
    known = entries()
    keys = list(dict.fromkeys(keys))
    missing = [k for k in keys if k not in known]
    if missing:
        raise ValueError(f"no BibTeX entry for {', '.join(missing)}")
    head = "% Written by dlbench (harness/bibliography.py) from the citations of its registered tasks and methods.\n\n"
    texts = [known[k] if max_authors is None else _shorten_authors(known[k], max_authors) for k in keys]
    return head + "\n\n".join(texts) + "\n"


def write_bib(keys: Iterable[str], path: str | Path, max_authors: int | None = None) -> Path:
    """Write the entries of `keys` to `path`, atomically; returns the path."""
    return atomic_write_text(path, render(keys, max_authors))
