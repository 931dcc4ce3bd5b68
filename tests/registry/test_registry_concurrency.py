"""Concurrent edits of one object, on both databases. An edit reads, changes and writes back (a
case's version and facts, a hearing's version and history); two edits that both start from the
same version must not both succeed as if the other had not happened. On PostgreSQL (READ
COMMITTED) they did, until the row was locked for the edit (`database.FOR_EDIT`): 50 clients of
`benchmarks/bench_registry.py` lost about one edit a minute that way."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from registry_helpers import PASSWORD, RACERS, Bench, person, race

from asylum_pathways.registry import accounts, case_determinations, case_hearings, cases
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.errors import Conflict, Throttled, Unauthenticated
from asylum_pathways.registry.models import User

#: Most sign-in attempts one thread of `hammer` makes.
MAX_TRIES = 400


def test_concurrent_edits_of_a_case_from_the_same_version_let_exactly_one_through(
    bench: Bench,
) -> None:
    reg = bench.registry()
    me = bench.org(reg, "Org A").caseworker
    case_id = cases.create(reg, me, {"people": [person("Race Case")]})
    languages = ["en", "pt", "fr", "qu", "ht", "ar"]

    out = race(
        lambda i: cases.update(
            reg, me, case_id, {"version": 1, "set_facts": {"language": languages[i]}}
        )
    )

    won = [(i, o) for i, o in enumerate(out) if isinstance(o, dict)]
    assert all(isinstance(o, dict | Conflict) for o in out), out
    assert len(won) == 1, [o["version"] for _, o in won]
    i, view = won[0]
    assert view["version"] == 2
    now = cases.read(reg, me, case_id)
    assert now["version"] == 2
    assert now["people"][0]["facts"]["language"] == languages[i]
    assert sum(d["current"] for d in case_determinations.history(reg, me, case_id)) == 1


def test_concurrent_changes_of_a_hearing_each_get_their_own_version_and_history(
    bench: Bench,
) -> None:
    reg = bench.registry()
    me = bench.org(reg, "Org A").caseworker
    case_id = cases.create(reg, me, {"people": [person("Race Hearing")]})
    made = case_hearings.add(
        reg,
        me,
        case_id,
        {
            "court": "El Paso",
            "time_zone": "America/Denver",
            "starts_at": "2020-02-11T09:00",
            "type": "master",
            "medium": "video",
            "source": "eoir_portal",
        },
    )

    out = race(
        lambda i: case_hearings.update(reg, me, case_id, made["id"], {"judge": f"Judge {i}"})
    )

    assert all(isinstance(o, dict) for o in out), out
    assert sorted(o["version"] for o in out) == list(range(2, RACERS + 2))
    (now,) = case_hearings.listing(reg, me, case_id)
    assert now["version"] == RACERS + 1
    assert [r["version"] for r in now["history"]] == list(range(1, RACERS + 1))
    # each revision keeps what the hearing was just before that change
    judges = [r["was"]["judge"] for r in now["history"][1:]] + [now["judge"]]
    assert sorted(judges) == sorted(f"Judge {i}" for i in range(RACERS))


def test_the_first_cases_opened_at_once_under_a_new_law_all_open(bench: Bench) -> None:
    """The first determination under a law keeps that law (`law_versions.remember`); cases opened
    at the same moment all try to keep it, and none may fail for it."""
    reg = bench.registry()
    me = bench.org(reg, "Org A").caseworker

    out = race(lambda i: cases.create(reg, me, {"people": [person(f"First Case {i}")]}))

    assert all(isinstance(o, str) for o in out), out
    assert cases.listing(reg, me)["total"] == RACERS


def hammer(
    bench: Bench, reg: Any, email: str, enough: Callable[[Counter[str]], bool]
) -> Counter[str]:
    """RACERS threads each try wrong passwords for one account as fast as they can, moving the
    clock past any throttle first (as an attacker who waits would), until `enough(heard)` (at
    most MAX_TRIES each); what they heard: "wrong" (the password was tried and refused),
    "locked", "throttled" (another thread's failure had just set a wait)."""
    heard: Counter[str] = Counter()
    lock = threading.Lock()

    def one(_: int) -> None:
        for _ in range(MAX_TRIES):
            with lock:
                if enough(heard):
                    return
                bench.now[0] += dt.timedelta(seconds=reg.policy.max_delay_seconds + 1)
            try:
                accounts.login(reg, email, "wrong password here", "000000")
            except Throttled:
                outcome = "throttled"
            except Unauthenticated as exc:
                outcome = "locked" if "locked" in str(exc) else "wrong"
            with lock:
                heard[outcome] += 1

    out = race(one)
    assert all(o is None for o in out), out
    return heard


def test_concurrent_wrong_passwords_for_one_account_get_no_more_than_100_tries(
    bench: Bench,
) -> None:
    """NIST SP 800-63B rev. 4 3.2.2: no more than 100 consecutive failed attempts on one account,
    however many arrive at once (the count is claimed before the password is checked)."""
    reg = bench.registry()
    org = bench.org(reg, "Org A")

    heard = hammer(bench, reg, org.emails["caseworker"], lambda h: h["locked"] >= RACERS)

    assert heard["wrong"] == reg.policy.max_failures <= 100, heard
    assert heard["locked"] >= RACERS
    with reg.db.transaction(ALL) as session:
        user = session.get(User, org.caseworker.user_id)
        assert user is not None and user.failed_logins == reg.policy.max_failures
    bench.now[0] += dt.timedelta(hours=1)
    with pytest.raises(Unauthenticated, match="locked"):
        accounts.login(
            reg, org.emails["caseworker"], PASSWORD, bench.code(org.secrets["caseworker"])
        )


def test_concurrent_wrong_passwords_never_lock_out_the_last_admin(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    beyond = reg.policy.max_failures + 2 * RACERS

    heard = hammer(bench, reg, org.emails["admin"], lambda h: h["wrong"] >= beyond)

    assert heard["locked"] == 0, heard
    assert heard["wrong"] > reg.policy.max_failures, heard
    bench.now[0] += dt.timedelta(seconds=reg.policy.max_delay_seconds + 1)
    accounts.login(reg, org.emails["admin"], PASSWORD, bench.code(org.secrets["admin"]))
