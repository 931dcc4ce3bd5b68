"""The audit log: a row for every read and write of a case, in the same transaction, naming
fields and never values; hash-chained so that `verify` names the first bad row after an edited,
deleted, reordered or truncated row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from registry_helpers import Bench, canary, person
from sqlalchemy import create_engine, select, text

from asylum_pathways.registry import audit, case_hearings, cases
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import AuditEntry, Case


def _rows(reg):  # type: ignore[no-untyped-def]
    with reg.db.transaction(ALL) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_asvs_7_1_every_read_and_write_of_a_case_appends_who_what_when_and_field_names(
    bench: Bench,
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    name = canary()
    before = len(_rows(reg))
    case_id = cases.create(reg, org.caseworker, {"people": [person(name, a_number="A123456789")]})
    cases.read(reg, org.caseworker, case_id)
    cases.update(reg, org.caseworker, case_id, {"set_facts": {"criminal_history": True}})
    rows = _rows(reg)[before:]
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [
        ("create", "case", case_id),
        ("read", "case", case_id),
        ("update", "case", case_id),
    ]
    assert all(r.actor == org.caseworker.actor and r.org_id == org.caseworker.org_id for r in rows)
    assert "people.facts.criminal_history" in rows[2].fields
    dumped = json.dumps([[r.actor, r.action, r.object_type, r.object_id, r.fields] for r in rows])
    assert name not in dumped and "123456789" not in dumped


def test_if_the_audit_write_fails_the_request_fails_and_nothing_is_written(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    owner = create_engine(bench.owner_url)
    with owner.begin() as conn:
        if bench.backend == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit store down'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store down'; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION no_audit()"
                )
            )
    owner.dispose()
    with pytest.raises(Exception, match="audit store down"):
        cases.create(reg, org.caseworker, {"people": [person("Never Stored")]})
    with reg.db.transaction(ALL) as s:
        assert s.query(Case).count() == 0


def _tamper(bench: Bench, sql: str) -> None:
    owner = create_engine(bench.owner_url)
    with owner.begin() as conn:
        conn.execute(text(sql))
    owner.dispose()


def _filled(bench: Bench):  # type: ignore[no-untyped-def]
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, {"people": [person("Audited")]})
    for _ in range(4):
        cases.read(reg, org.caseworker, case_id)
    case_hearings.listing(reg, org.caseworker, case_id)
    return reg, len(_rows(reg))


def _verdict(reg, cp=None):  # type: ignore[no-untyped-def]
    with reg.db.transaction(ALL) as s:
        return audit.verify(s, cp, reg.keys)


def test_an_untouched_log_verifies(bench: Bench) -> None:
    reg, n = _filled(bench)
    v = _verdict(reg)
    assert v.ok and v.rows == n and v.head_id == n


def test_verify_names_an_edited_row(bench: Bench) -> None:
    reg, _n = _filled(bench)
    _tamper(bench, "UPDATE audit_log SET action = 'list' WHERE id = 7")
    v = _verdict(reg)
    assert not v.ok and v.first_bad == 7 and "content" in v.reason


def test_verify_names_a_deleted_row(bench: Bench) -> None:
    reg, _n = _filled(bench)
    _tamper(bench, "DELETE FROM audit_log WHERE id = 6")
    v = _verdict(reg)
    assert not v.ok and v.first_bad == 6 and "missing" in v.reason


def test_verify_names_a_reordered_row(bench: Bench) -> None:
    reg, _n = _filled(bench)
    _tamper(bench, "UPDATE audit_log SET id = 1000 WHERE id = 8")
    _tamper(bench, "UPDATE audit_log SET id = 8 WHERE id = 9")
    _tamper(bench, "UPDATE audit_log SET id = 9 WHERE id = 1000")
    v = _verdict(reg)
    assert not v.ok and v.first_bad == 8


def test_verify_names_a_truncated_tail_against_a_signed_checkpoint(bench: Bench) -> None:
    reg, n = _filled(bench)
    with reg.db.transaction(ALL) as s:
        cp = audit.checkpoint(s, reg.keys)
    assert cp["head_id"] == n
    _tamper(bench, f"DELETE FROM audit_log WHERE id >= {n - 1}")
    assert _verdict(reg).ok  # the chain alone cannot see a cut tail
    v = _verdict(reg, cp)
    assert not v.ok and v.first_bad == n - 1 and "truncated" in v.reason


def test_a_forged_checkpoint_is_refused(bench: Bench) -> None:
    from asylum_pathways.errors import UsageError

    reg, n = _filled(bench)
    with reg.db.transaction(ALL) as s:
        cp = audit.checkpoint(s, reg.keys)
    cp["head_id"] = n + 5
    with pytest.raises(UsageError, match="signature"):
        _verdict(reg, cp)


def test_the_application_role_cannot_change_or_delete_audit_rows(bench: Bench) -> None:
    if bench.backend != "postgres":
        pytest.skip("roles are PostgreSQL's")
    _reg, _ = _filled(bench)
    app = create_engine(bench.url)
    for sql in (
        "UPDATE audit_log SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 1",
    ):
        with pytest.raises(Exception, match="permission denied"), app.begin() as conn:
            conn.execute(text(sql))
    app.dispose()


@pytest.mark.slow
def test_audit_verify_on_the_command_line_exits_4_and_names_the_row(
    bench: Bench, tmp_path: Path
) -> None:
    import subprocess
    import sys

    _reg, _n = _filled(bench)
    _tamper(bench, "UPDATE audit_log SET fields = '[\"x\"]' WHERE id = 5")
    env_cmd = [
        sys.executable,
        "-m",
        "asylum_pathways",
        "registry",
        "audit",
        "verify",
        "--db",
        bench.url,
        "--keys",
        str(bench.keys),
    ]
    done = subprocess.run(env_cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stderr
    assert "row 5" in done.stdout
