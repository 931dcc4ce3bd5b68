"""Kinds of source: a primary text (the government's or a court's own), a copy of one held
by a mirror or aggregator site, or anything else (news, analysis). Sources are listed
primary first; tests/params/test_sources.py keeps the references to mirrors from growing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

#: Hosts that publish primary texts: the Federal Register and govinfo, treaty and agency
#: sites, courts and official reporters (a host or any subdomain of it).
PRIMARY = (
    "govinfo.gov",
    "federalregister.gov",
    "ecfr.gov",
    "congress.gov",
    "state.gov",
    "usembassy.gov",
    "dhs.gov",
    "cbp.gov",
    "ice.gov",
    "uscis.gov",
    "justice.gov",
    "cdc.gov",
    "hhs.gov",
    "whitehouse.gov",
    "uscourts.gov",
    "supremecourt.gov",
    "gao.gov",
    "house.gov",
    "senate.gov",
    "archives.gov",
    "loc.gov",
)
#: Hosts that hold copies of other people's documents (document mirrors, case-law and
#: Federal Register copies, news aggregators): cite the original first where one exists.
MIRRORS = (
    "pdfslide.net",
    "wixlib.com",
    "scribd.com",
    "casetext.com",
    "docslib.org",
    "onenewspage.com",
    "fdocuments.in",
    "fdocuments.net",
    "readkong.com",
    "federal.elaws.us",
    "lexbuild.dev",
    "counselstack.com",
    "cloudfront.net",
    "everycrsreport.com",
    "regulations.justia.com",
    "iolaregister.com",
    "yahoo.com",
    "upnewsinfo.com",
    "newsoath.com",
    "newzbaba.com",
    "newsranger.net",
    "usanewsindependent.com",
    "us-inquirer.com",
    "usnn.news",
    "neeews.com",
    "876hub.com",
    "spamchronicles.com",
    "peer2peernews.com",
    "particle.news",
    "nepyork.com",
    "callforrain.com",
    "ru24.net",
    "menafn.com",
    "inkl.com",
    "pubt.io",
    "beatstatus.com",
    "finanznachrichten.de",
    "justtherealnews.com",
)


def host(href: str) -> str:
    return (urlsplit(href).hostname or "").lower().removeprefix("www.")


def _on(href: str, hosts: Iterable[str]) -> bool:
    name = host(href)
    return any(name == h or name.endswith("." + h) for h in hosts)


def kind(href: str) -> str:
    """'primary', 'mirror' or 'other'."""
    if _on(href, PRIMARY):
        return "primary"
    if _on(href, MIRRORS):
        return "mirror"
    return "other"


def primary_first(references: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """References with primary sources first (otherwise in their order), each with its `kind`."""
    rank = {"primary": 0, "other": 1, "mirror": 1}
    marked = [{**r, "kind": kind(r["href"])} for r in references]
    return sorted(marked, key=lambda r: rank[r["kind"]])
