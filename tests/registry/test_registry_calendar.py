"""The calendar feed of hearings (iCalendar, RFC 5545): stable UIDs, SEQUENCE bumped on every
change, CANCELLED for vacated and superseded hearings, the right instant across a change of
daylight-saving time, no personal data, a secret address that is revocable and never logged,
another organisation's hearings never shown, and every read audited.

The feed is read back by the small RFC 5545 reader below, written apart from the serializer."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from registry_helpers import FAST, Bench, Org, canary, family
from registry_server import RegistryServer
from sqlalchemy import select

from asylum_pathways.cli.app import main
from asylum_pathways.registry import (
    accounts,
    calendar_feed,
    calendar_tokens,
    case_hearings,
    cases,
    ical,
)
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.errors import Forbidden, NotFound
from asylum_pathways.registry.models import AuditEntry, CalendarToken, Person
from asylum_pathways.service import access_log
from asylum_pathways.service.app import create_app
from asylum_pathways.service.settings import Settings

API = "/api/v1"


# -- an RFC 5545 reader, independent of the writer -----------------------------------------------
def physical_lines(raw: bytes) -> list[bytes]:
    """The lines as sent: each ends CRLF, none longer than 75 octets (3.1)."""
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 75, (len(line), line)
    return lines


def unfold(raw: bytes) -> list[str]:
    logical: list[bytes] = []
    for line in physical_lines(raw):
        if line.startswith((b" ", b"\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def untext(value: str) -> str:
    """A TEXT value unescaped (3.3.11)."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        assert c not in ",;", f"an unescaped {c!r} in a TEXT value: {value!r}"
        out.append(c)
        i += 1
    return "".join(out)


def events(raw: bytes) -> dict[str, dict[str, str]]:
    """Each VEVENT's properties (name without parameters -> raw value), by UID."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    lines = unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    for line in lines:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            assert {"UID", "DTSTAMP", "DTSTART"} <= set(current), current
            out[current["UID"]] = current
            current = None
        elif current is not None:
            current[name.split(";")[0]] = value
    return out


def utc(value: str) -> dt.datetime:
    assert value.endswith("Z"), value
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


# -- a registry with two organisations -----------------------------------------------------------
HEARING = {
    "court": "El Paso",
    "time_zone": "America/Denver",
    "starts_at": "2020-02-11T09:00",
    "type": "master",
    "medium": "video",
    "source": "eoir_notice",
}


@dataclass
class World:
    bench: Bench
    reg: Any
    a: Org
    b: Org
    a_case: str
    b_case: str
    names: list[str]
    numbers: list[str]

    def hearing(self, org: Org, case_id: str, **over: Any) -> str:
        made = case_hearings.add(self.reg, org.caseworker, case_id, {**HEARING, **over})
        return str(made["id"])

    def change(self, hearing_id: str, **fields: Any) -> None:
        case_hearings.update(self.reg, self.a.caseworker, self.a_case, hearing_id, fields)

    def feed(self, org: Org | None = None) -> bytes:
        return calendar_feed.feed(self.reg, (org or self.a).caseworker)


@pytest.fixture
def world(bench: Bench) -> World:
    reg = bench.registry()
    a, b = bench.org(reg, "Org A"), bench.org(reg, "Org B")
    names = [canary(i) for i in range(3)]
    numbers = ["A918273645", "A918273646", "A918273647"]
    body = family(names[0], riders=2, citizenship="HN")
    for p, n, num in zip(body["people"], names, numbers, strict=True):
        p.update(name=n, a_number=num, address=f"{n} street 5", birth_date="1990-04-04")
    a_case = cases.create(reg, a.caseworker, body)
    b_case = cases.create(reg, b.caseworker, family(canary(9), riders=0, citizenship="GT"))
    return World(bench, reg, a, b, a_case, b_case, names, numbers)


def uid_of(hearing_id: str) -> str:
    return calendar_feed.uid(hearing_id)


# -- the text format -----------------------------------------------------------------------------
def test_the_examples_in_the_serializer_and_the_log_filter_hold() -> None:
    for module in (ical, access_log):
        failed, tried = doctest.testmod(module)
        assert tried > 0 and failed == 0, module.__name__


def test_lines_fold_at_75_octets_never_inside_a_character_and_text_is_escaped() -> None:
    value = "Tribunal de Inmigración, Ciudad Juárez; sala 3 \\ piso 2\n" + "ñ" * 60
    raw = ical.document(ical.component("VEVENT", [("DESCRIPTION", ical.text(value))]))
    lines = physical_lines(raw)
    assert len(lines) > 3 and any(len(line) == 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no character split across a fold
    (description,) = [x for x in unfold(raw) if x.startswith("DESCRIPTION:")]
    assert untext(description.partition(":")[2]) == value


# -- events --------------------------------------------------------------------------------------
def test_each_hearing_is_one_event_whose_uid_comes_from_the_hearing_and_stays_as_it_changes(
    world: World,
) -> None:
    h = world.hearing(world.a, world.a_case)
    first = events(world.feed())
    assert list(first) == [uid_of(h)] and h in uid_of(h)
    world.change(h, starts_at="2020-02-12T10:00", court="Harlingen", time_zone="America/Chicago")
    second = events(world.feed())
    assert list(second) == [uid_of(h)]
    assert second[uid_of(h)]["DTSTART"] != first[uid_of(h)]["DTSTART"]
    assert untext(second[uid_of(h)]["LOCATION"]) == "Harlingen"


def test_sequence_is_bumped_by_every_change_of_the_hearing(world: World) -> None:
    h = world.hearing(world.a, world.a_case)
    seen = [int(events(world.feed())[uid_of(h)]["SEQUENCE"])]
    for change in (
        {"starts_at": "2020-02-12T10:00"},
        {"court": "Harlingen"},
        {"status": "adjourned"},
        {"medium": "in_person"},
    ):
        world.bench.now[0] += dt.timedelta(minutes=5)
        world.change(h, **change)
        event = events(world.feed())[uid_of(h)]
        seen.append(int(event["SEQUENCE"]))
        assert utc(event["DTSTAMP"]) == utc(event["LAST-MODIFIED"])
        assert utc(event["DTSTAMP"]).replace(tzinfo=None) == world.bench.now[0]
    assert seen == [0, 1, 2, 3, 4]
    world.change(h, court="Harlingen")  # no change: no new version
    assert events(world.feed())[uid_of(h)]["SEQUENCE"] == "4"


@pytest.mark.parametrize("ended", ["vacated", "superseded"])
def test_a_vacated_or_superseded_hearing_is_a_cancelled_event(world: World, ended: str) -> None:
    h = world.hearing(world.a, world.a_case)
    kept = world.hearing(world.a, world.a_case, starts_at="2020-03-10T09:00", confirmed=True)
    world.change(h, status=ended)
    got = events(world.feed())
    assert got[uid_of(h)]["STATUS"] == "CANCELLED" and got[uid_of(h)]["SEQUENCE"] == "1"
    assert ended in untext(got[uid_of(h)]["SUMMARY"])
    assert got[uid_of(kept)]["STATUS"] == "CONFIRMED"


def test_an_unconfirmed_or_flagged_hearing_is_tentative(world: World) -> None:
    plain = world.hearing(world.a, world.a_case)
    weekend = world.hearing(world.a, world.a_case, starts_at="2020-02-15T09:00", confirmed=True)
    got = events(world.feed())
    assert got[uid_of(plain)]["STATUS"] == "TENTATIVE"
    assert got[uid_of(weekend)]["STATUS"] == "TENTATIVE"
    assert "weekend" in untext(got[uid_of(weekend)]["DESCRIPTION"])


@pytest.mark.parametrize(
    ("zone", "local", "instant"),
    [
        # US daylight-saving time began on Sunday 2020-03-08 and ended on Sunday 2020-11-01.
        ("America/Chicago", "2020-03-06T09:00", "2020-03-06T15:00"),  # CST, UTC-6
        ("America/Chicago", "2020-03-09T09:00", "2020-03-09T14:00"),  # CDT, UTC-5
        ("America/Denver", "2020-10-30T09:00", "2020-10-30T15:00"),  # MDT, UTC-6
        ("America/Denver", "2020-11-02T09:00", "2020-11-02T16:00"),  # MST, UTC-7
        ("America/Phoenix", "2020-03-09T09:00", "2020-03-09T16:00"),  # MST all year
        # Hours either side of the change itself (02:00 local on those Sundays).
        ("America/New_York", "2020-03-08T01:30", "2020-03-08T06:30"),  # EST, UTC-5
        ("America/New_York", "2020-03-08T03:00", "2020-03-08T07:00"),  # EDT, UTC-4
        ("America/New_York", "2020-11-01T00:30", "2020-11-01T04:30"),  # EDT, UTC-4
        ("America/New_York", "2020-11-01T02:30", "2020-11-01T07:30"),  # EST, UTC-5
        ("America/New_York", "2020-11-01T01:30", "2020-11-01T05:30"),  # twice: the first (EDT)
    ],
)
@pytest.mark.slow
def test_the_start_is_the_right_utc_instant_across_a_change_of_daylight_saving_time(
    world: World, zone: str, local: str, instant: str
) -> None:
    h = world.hearing(world.a, world.a_case, time_zone=zone, starts_at=local)
    event = events(world.feed())[uid_of(h)]
    assert utc(event["DTSTART"]) == dt.datetime.fromisoformat(instant).replace(tzinfo=dt.UTC)
    assert event["DURATION"] == "PT1H"
    assert f"{local.replace('T', ' ')} {zone}" in untext(event["DESCRIPTION"])


def test_no_name_a_number_nationality_or_encrypted_value_is_in_the_feed(world: World) -> None:
    world.hearing(world.a, world.a_case, court="San Antonio; Room 3, floor 2")
    world.hearing(world.a, world.a_case, starts_at="2020-02-13T09:00", judge=world.names[0])
    raw = world.feed()
    text = "\n".join(unfold(raw))
    with world.reg.db.transaction(ALL) as session:
        people = list(session.scalars(select(Person).where(Person.case_id == world.a_case)))
        encrypted = [
            v
            for p in people
            for v in (p.name_enc, p.a_number_enc, p.birth_date_enc, p.address_enc, p.facts_enc)
            if v
        ]
    assert len(people) == 3 and len(encrypted) == 15
    secrets = [
        *world.names,
        *(n.split()[-1] for n in world.names),  # "Quetzal-123456-0"
        *world.numbers,
        *(n[1:] for n in world.numbers),
        "1990-04-04",
        "19900404",
        "street 5",
        "Honduras",
        "HN",
    ]
    for s in secrets:
        assert s.encode() not in raw and s not in text, s
    for value in encrypted:
        assert value[-24:].encode() not in raw
    event = next(iter(events(raw).values()))
    assert untext(event["SUMMARY"]) == f"Hearing (master calendar) — case {world.a_case[:8]}"


def test_another_organisations_hearings_never_appear(world: World) -> None:
    mine = world.hearing(world.a, world.a_case)
    theirs = world.hearing(world.b, world.b_case, court="Brownsville")
    a_feed, b_feed = world.feed(world.a), world.feed(world.b)
    assert list(events(a_feed)) == [uid_of(mine)] and list(events(b_feed)) == [uid_of(theirs)]
    assert world.b_case.encode() not in a_feed and b"Brownsville" not in a_feed
    assert world.a_case.encode() not in b_feed and theirs.encode() not in a_feed


def test_only_a_role_that_reads_cases_has_a_feed(world: World) -> None:
    for role in ("admin", "analyst", "auditor"):
        with pytest.raises(Forbidden):
            calendar_feed.feed(world.reg, world.a.of(role))
        with pytest.raises(Forbidden):
            calendar_tokens.issue(world.reg, world.a.of(role))


def test_every_read_of_the_feed_is_audited_with_field_names_only(world: World) -> None:
    world.hearing(world.a, world.a_case)
    world.hearing(world.a, world.a_case, starts_at="2020-02-12T09:00")
    other = cases.create(world.reg, world.a.caseworker, family(canary(5), riders=0))
    world.hearing(world.a, other)
    token, view = calendar_tokens.issue(world.reg, world.a.caseworker)
    for principal, object_id in (
        (world.a.caseworker, None),
        (calendar_tokens.principal_of(world.reg, token), view["id"]),
    ):
        with world.reg.db.transaction(ALL) as session:
            before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        calendar_feed.feed(world.reg, principal)
        with world.reg.db.transaction(ALL) as session:
            rows = list(session.scalars(select(AuditEntry).where(AuditEntry.id > before)))
        got = sorted((r.action, r.object_type, r.object_id or "", tuple(r.fields)) for r in rows)
        assert got == sorted(
            [
                ("read", "calendar", object_id or "", ("hearings",)),
                ("read", "case", world.a_case, ("hearings",)),
                ("read", "case", other, ("hearings",)),
            ]
        )
        assert all(r.actor == world.a.caseworker.actor for r in rows)
        assert not any(n in str(r.fields) for r in rows for n in world.names)


# -- the secret address --------------------------------------------------------------------------
def test_a_feed_token_is_shown_once_kept_hashed_and_revoked_by_reissue_or_revoke(
    world: World,
) -> None:
    h = world.hearing(world.a, world.a_case)
    first, view = calendar_tokens.issue(world.reg, world.a.caseworker)
    assert first.startswith("cal_") and len(first) >= 40
    assert calendar_tokens.status(world.reg, world.a.caseworker) == view and view["active"]
    with world.reg.db.transaction(ALL) as session:
        stored = list(session.scalars(select(CalendarToken)))
    assert len(stored) == 1 and stored[0].token_hash == accounts.digest(first)
    assert first not in str(view)
    reader = calendar_tokens.principal_of(world.reg, first)
    assert uid_of(h) in events(calendar_feed.feed(world.reg, reader))
    second, _ = calendar_tokens.issue(world.reg, world.a.caseworker)
    with pytest.raises(NotFound):
        calendar_tokens.principal_of(world.reg, first)
    calendar_tokens.principal_of(world.reg, second)
    assert calendar_tokens.revoke(world.reg, world.a.caseworker) == {"revoked": 1}
    with pytest.raises(NotFound):
        calendar_tokens.principal_of(world.reg, second)
    assert calendar_tokens.status(world.reg, world.a.caseworker) == {"active": False}
    with pytest.raises(NotFound):
        calendar_tokens.principal_of(world.reg, "cal_" + "x" * 43)


def test_disabling_a_user_revokes_their_feed_and_demoting_them_refuses_it(world: World) -> None:
    token, _ = calendar_tokens.issue(world.reg, world.a.caseworker)
    accounts.change_user(world.reg, world.a.admin, world.a.caseworker.user_id, {"role": "analyst"})
    with pytest.raises(Forbidden):
        calendar_feed.feed(world.reg, calendar_tokens.principal_of(world.reg, token))
    accounts.change_user(world.reg, world.a.admin, world.a.caseworker.user_id, {"disabled": True})
    accounts.change_user(
        world.reg,
        world.a.admin,
        world.a.caseworker.user_id,
        {"disabled": False, "role": "caseworker"},
    )
    with pytest.raises(NotFound):  # re-enabling does not bring the old address back
        calendar_tokens.principal_of(world.reg, token)


# -- over HTTP -----------------------------------------------------------------------------------
@pytest.fixture
def client(world: World, tmp_path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(
        Settings(
            data_dir=tmp_path / "data",
            registry_db=world.bench.url,
            registry_keys=world.bench.keys,
            redetermine_on_start=False,
        )
    )
    app.state.registry.policy = FAST
    app.state.registry.clock = world.reg.clock
    yield TestClient(app, base_url="https://testserver")
    app.state.registry.db.dispose()


def bearer(world: World, org: Org, scopes: list[str] | None = None) -> dict[str, str]:
    token, _ = accounts.create_token(world.reg, org.caseworker, "calendar test", scopes or [])
    return {"authorization": f"Bearer {token}"}


def test_the_signed_in_feed_is_text_calendar_never_cached(world: World, client: TestClient) -> None:
    h = world.hearing(world.a, world.a_case)
    r = client.get(f"{API}/calendar.ics", headers=bearer(world, world.a, ["cases:read"]))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["cache-control"] == "no-store"
    assert list(events(r.content)) == [uid_of(h)]
    refused = client.get(f"{API}/calendar.ics", headers=bearer(world, world.a, ["cases:write"]))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    nobody = client.get(f"{API}/calendar.ics")
    assert nobody.status_code == 401 and nobody.json()["ok"] is False


@pytest.mark.slow
def test_the_secret_address_serves_the_feed_until_revoked_then_answers_404_in_the_envelope(
    world: World, client: TestClient
) -> None:
    h = world.hearing(world.a, world.a_case)
    auth = bearer(world, world.a)
    made = client.post(f"{API}/calendar/token", headers=auth)
    assert made.status_code == 201, made.text
    data = made.json()["data"]
    assert data["url"] == f"https://testserver{API}/calendar/{data['token']}.ics"
    status = client.get(f"{API}/calendar/token", headers=auth).json()["data"]
    assert status["active"] and data["token"] not in str(status)
    feed = client.get(data["url"])  # no cookie, no header
    assert feed.status_code == 200 and uid_of(h) in events(feed.content)
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.headers["cache-control"] == "no-store"
    again = client.post(f"{API}/calendar/token", headers=auth).json()["data"]
    old = client.get(data["url"])
    assert old.status_code == 404
    assert old.json()["ok"] is False and old.json()["error"]["code"] == "not_found"
    assert client.get(again["url"]).status_code == 200
    assert client.delete(f"{API}/calendar/token", headers=auth).json()["data"] == {"revoked": 1}
    assert client.get(again["url"]).status_code == 404
    for junk in ("nope", "cal_" + "A" * 43, "%2e%2e", "x" * 500):
        r = client.get(f"{API}/calendar/{junk}.ics")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", junk
        assert junk not in r.text


@pytest.mark.slow
def test_the_access_log_holds_no_feed_token_on_the_served_registry(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world.hearing(world.a, world.a_case)
    token, _ = calendar_tokens.issue(world.reg, world.a.caseworker)
    revoked, _ = calendar_tokens.issue(world.reg, world.b.caseworker)
    calendar_tokens.revoke(world.reg, world.b.caseworker)
    server = RegistryServer(world.bench.url, world.bench.keys, tmp_path)
    try:
        ok = httpx.get(f"{server.url}{API}/calendar/{token}.ics", timeout=30)
        gone = httpx.get(f"{server.url}{API}/calendar/{revoked}.ics", timeout=30)
    finally:
        server.stop()
    assert ok.status_code == 200 and gone.status_code == 404
    log = server.log.read_text()
    assert f'"GET {API}/calendar/[redacted].ics HTTP/1.1" 200' in log, log[-2000:]
    assert f'"GET {API}/calendar/[redacted].ics HTTP/1.1" 404' in log
    for secret in (token, revoked):
        assert secret[4:20] not in log


@pytest.mark.slow
def test_the_cli_issues_and_revokes_a_feed_address(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.hearing(world.a, world.a_case)
    common = ["--db", world.bench.url, "--keys", str(world.bench.keys)]
    who = ["--as", world.a.emails["caseworker"]]
    with pytest.raises(SystemExit) as done:
        main(["registry", "calendar-token", "create", *who, *common])
    assert done.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"{API}/calendar/cal_") and out.endswith(".ics")
    token = out[len(f"{API}/calendar/") : -len(".ics")]
    calendar_tokens.principal_of(world.reg, token)
    with pytest.raises(SystemExit) as done:
        main(["registry", "calendar-token", "revoke", *who, *common])
    assert done.value.code == 0 and "revoked 1" in capsys.readouterr().out
    with pytest.raises(NotFound):
        calendar_tokens.principal_of(world.reg, token)
    with pytest.raises(SystemExit) as done:
        main(["registry", "calendar-token", "create", "--as", world.a.emails["auditor"], *common])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: forbidden") and "Traceback" not in err
