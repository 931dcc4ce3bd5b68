"""The registry pages' message catalogue (`messages.yaml`: every key in English and Spanish)
and the choice of a page's language.

The language is, in order: `?lang=` on the request, the choice the user made on a page (kept in
a cookie for the browser session), then the browser's Accept-Language, then English. Sentences the
library writes (a rule's "because", the conditions of what would change an answer, the summary of
changes) stay in English and are marked `lang="en"` on a Spanish page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "es")
DEFAULT = "en"


@dataclass(frozen=True)
class Catalogue:
    """`entries[key][language]`: a message, with `{name}` fields filled by `text`."""

    entries: Mapping[str, Mapping[str, str]]

    def text(self, lang: str, key: str, **values: Any) -> str:
        message = self.entries[key][lang]
        return message.format(**values) if values else message

    def translator(self, lang: str) -> Callable[..., str]:
        def t(key: str, **values: Any) -> str:
            return self.text(lang, key, **values)

        return t

    def missing(self) -> list[tuple[str, str]]:
        """(key, language) of every message not given in a language."""
        return [
            (key, lang)
            for key, entry in self.entries.items()
            for lang in LANGUAGES
            if not isinstance(entry.get(lang), str) or not entry[lang].strip()
        ]


def load(path: Path | None = None) -> Catalogue:
    source = path or Path(str(resources.files("asylum_pathways") / "service" / "messages.yaml"))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return Catalogue({str(k): dict(v) for k, v in data.items()})


def choose(query: str | None, chosen: str | None, accept: str | None) -> str:
    """The page's language: `?lang=`, then the user's stored choice, then Accept-Language.

    >>> choose(None, None, "fr-CA, es-MX;q=0.8, en;q=0.5")
    'es'
    >>> choose("en", "es", "es")
    'en'
    """
    for given in (query, chosen):
        if given in LANGUAGES:
            return str(given)
    return accepted(accept or "")


def accepted(header: str) -> str:
    """The first of our languages in an Accept-Language header, by its weight."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, i, primary))
    return min(ranked)[2] if ranked else DEFAULT
