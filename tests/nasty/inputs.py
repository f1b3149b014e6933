"""The nasty input set (tests/data/nasty_inputs.yml) as Python values, and the checks every
endpoint's answer must pass."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "nasty_inputs.yml"
MARKER = "\u2063NASTY\u2063"  # where a raw body's text goes in an endpoint's JSON


@dataclass(frozen=True)
class NastyText:
    id: str
    kind: str  # ordinary, blank, too_long
    text: str

    def __repr__(self) -> str:
        return self.id


@dataclass(frozen=True)
class NastyBody:
    id: str
    expect: str  # bad, bad_or_ok, too_large
    content_type: str
    literal: Optional[bytes]
    text: Optional[str]
    encoding: str
    inject: bytes

    def __repr__(self) -> str:
        return self.id

    def encode(self, payload: Any) -> bytes:
        """The bytes to send: the literal body, or `payload` (an endpoint's valid JSON body) with
        this entry's text where the payload holds MARKER."""
        if self.literal is not None:
            return self.literal
        raw = json.dumps(payload, ensure_ascii=False)
        assert raw.count(MARKER) == 1, "the payload says where the text goes"
        value = json.dumps(self.text, ensure_ascii=False)[1:-1]  # escaped, without the quotes
        # Lone surrogates as JSON escapes (valid JSON, but no text any database can hold).
        value = re.sub(r"[\ud800-\udfff]", lambda m: "\\u%04x" % ord(m.group()), value)
        before, after = raw.split(MARKER)
        at = len((before + value).encode(self.encoding))
        encoded = (before + value + after).encode(self.encoding)
        return encoded[:at] + self.inject + encoded[at:]


def _built(entry: Dict[str, Any], key: str, repeat_key: str) -> Optional[str]:
    """`key` as it is, or `repeat_key` repeated up to `length` characters."""
    if key in entry:
        return entry[key]
    if repeat_key not in entry:
        return None
    unit, length = entry[repeat_key], int(entry["length"])
    return (unit * (length // len(unit) + 1))[:length]


def _load() -> Dict[str, List[Any]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    texts = [NastyText(e["id"], e["kind"], _built(e, "text", "repeat")) for e in data["texts"]]
    bodies = []
    for e in data["bodies"]:
        literal = _built(e, "body", "body_repeat")
        if literal is None and "body_hex" in e:
            literal_bytes: Optional[bytes] = bytes.fromhex(e["body_hex"])
        else:
            literal_bytes = None if literal is None else literal.encode("utf-8")
        bodies.append(
            NastyBody(
                id=e["id"],
                expect=e["expect"],
                content_type=e["content_type"],
                literal=literal_bytes,
                text=_built(e, "text", "text_repeat"),
                encoding=e.get("encoding", "utf-8"),
                inject=bytes.fromhex(e.get("inject_hex", "")),
            )
        )
    ids = [t.id for t in texts] + [b.id for b in bodies]
    assert len(ids) == len(set(ids)), "every entry has its own id"
    return {"texts": texts, "bodies": bodies}


_SET = _load()
TEXTS: List[NastyText] = _SET["texts"]
BODIES: List[NastyBody] = _SET["bodies"]
ORDINARY = [t for t in TEXTS if t.kind == "ordinary"]


def by_id(entry_id: str) -> NastyText:
    return next(t for t in TEXTS if t.id == entry_id)


# What must never be in a page: markup from the set, as markup. Each is the start of a tag or an
# attribute that would run script; escaped ("&lt;script&gt;") it is harmless text.
_RAW_MARKUP = re.compile(
    r"<script>alert|<img src=x|<svg onload|onfocus='alert|</textarea></title>|<!-- geheim",
    re.IGNORECASE,
)


def raw_markup(page: str) -> List[str]:
    """Markup from the set that reached the page unescaped."""
    return _RAW_MARKUP.findall(page)


def templates_literal(page: str) -> bool:
    """The template syntax of the set is shown as the client typed it, not run: no 49, no dump."""
    return "{{ 7*7 }}" in page and "{% debug %}" in page


def escaped(text: str) -> str:
    """How Jinja's autoescape writes `text` into a page."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")


def status_ok(status: int, allowed: Iterable[int]) -> bool:
    return status < 500 and status in set(allowed)


DUTCH_WORDS = re.compile(
    r"\b(je|jij|u|ik|het|de|een|dat|niet|wat|wil|kan|graag|dank|sorry|hallo|bericht|we|mij|ons)\b", re.IGNORECASE
)


def is_dutch(text: str) -> bool:
    return len(DUTCH_WORDS.findall(text)) >= 2
