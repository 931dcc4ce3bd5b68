"""Imports (validated like `determine` input, all or nothing: a killed import leaves nothing),
exports of de-identified cohorts, backups restored on either database, and retention."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from registry_helpers import Bench, canary, facts, family, person
from sqlalchemy import func, select

from asylum_pathways.determination import determine_records
from asylum_pathways.errors import InputError
from asylum_pathways.registry import backup, cases, cohort, imports, retention
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import AuditEntry, Case, Person


def write_files(folder: Path, n: int, suffix: str = ".csv", families: int = 0) -> tuple[Path, Path]:
    records, idents = [], []
    for i in range(n):
        rec = {"person_id": f"p{i}", **facts(citizenship="SV")}
        if i < families * 3:
            rec.update(group_id=f"g{i // 3}", demographic="FMUA", age=30 if i % 3 == 0 else 8)
        records.append(rec)
        idents.append(
            {
                "person_id": f"p{i}",
                "name": f"Generated Person {i}",
                "a_number": f"A{100000000 + i}",
                "role": "lead" if i % 3 == 0 or i >= families * 3 else "rider",
            }
        )
    rpath, ipath = folder / f"records{suffix}", folder / "identities.csv"
    if suffix == ".json":
        rpath.write_text(json.dumps(records))
    else:
        import polars as pl

        frame = pl.DataFrame(records)
        if suffix == ".csv":
            frame.write_csv(rpath)
        else:
            frame.write_parquet(rpath)
    with ipath.open("w", newline="") as f:
        w = csv.DictWriter(f, ["person_id", "name", "a_number", "role"])
        w.writeheader()
        w.writerows(idents)
    return rpath, ipath


def _count(reg, model) -> int:  # type: ignore[no-untyped-def]
    with reg.db.transaction(ALL) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
@pytest.mark.slow
def test_an_import_makes_one_case_per_person_or_family(
    bench: Bench, tmp_path: Path, suffix: str
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    rpath, ipath = write_files(tmp_path, 9, suffix, families=2)
    ids = imports.import_file(reg, org.caseworker, rpath, ipath)
    assert len(ids) == 2 + 3
    assert _count(reg, Person) == 9
    sizes = sorted(len(cases.read(reg, org.caseworker, c)["people"]) for c in ids)
    assert sizes == [1, 1, 1, 3, 3]
    found = cases.listing(reg, org.caseworker, a_number="A100000004")
    assert found["total"] == 1


def test_a_bad_record_is_refused_as_determine_refuses_it_and_nothing_is_written(
    bench: Bench, tmp_path: Path
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    rpath, ipath = write_files(tmp_path, 4)
    lines = rpath.read_text().splitlines()
    lines[3] = lines[3].replace(",SV,", ",Salvador,")
    rpath.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        imports.import_file(reg, org.caseworker, rpath, ipath)
    with pytest.raises(InputError) as direct:
        determine_records(rpath, reg.scenario)
    assert str(exc.value) == str(direct.value)
    assert "line 4" in str(exc.value) and "citizenship" in str(exc.value)
    assert _count(reg, Case) == 0


def test_a_bad_identity_names_file_line_and_field_without_the_value(
    bench: Bench, tmp_path: Path
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    rpath, ipath = write_files(tmp_path, 3)
    text = ipath.read_text().replace("A100000001", "Z-Canary-99")
    ipath.write_text(text)
    with pytest.raises(Exception) as exc:
        imports.import_file(reg, org.caseworker, rpath, ipath)
    message = str(exc.value)
    assert "line 3" in message and "a_number" in message and "Canary" not in message
    assert _count(reg, Case) == 0


@pytest.mark.slow
def test_a_killed_import_leaves_nothing_written(bench: Bench, tmp_path: Path) -> None:
    reg = bench.registry()
    bench.org(reg, "Org A")
    before = _count(reg, AuditEntry)
    rpath, ipath = write_files(tmp_path, 3000)
    cmd = [
        sys.executable,
        "-m",
        "asylum_pathways",
        "registry",
        "import",
        str(rpath),
        "--identities",
        str(ipath),
        "--as",
        "caseworker@org-a.example",
        "--progress",
        "--db",
        bench.url,
        "--keys",
        str(bench.keys),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "written 500 of 3,000 cases (not yet committed)" in line, line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    fresh = bench.registry()
    assert _count(fresh, Case) == 0 and _count(fresh, Person) == 0
    assert _count(fresh, AuditEntry) == before


@pytest.mark.slow
def test_the_cli_refuses_a_bad_import_with_exit_2_and_one_line(
    bench: Bench, tmp_path: Path
) -> None:
    reg = bench.registry()
    bench.org(reg, "Org A")
    rpath, ipath = write_files(tmp_path, 2)
    rpath.write_text(rpath.read_text().replace("2020-01-15", "2020-02-30", 1))
    cmd = [
        sys.executable,
        "-m",
        "asylum_pathways",
        "registry",
        "import",
        str(rpath),
        "--identities",
        str(ipath),
        "--as",
        "caseworker@org-a.example",
        "--db",
        bench.url,
        "--keys",
        str(bench.keys),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert (
        "Traceback" not in done.stderr
        and "encounter_date" in done.stderr
        and "line 2" in done.stderr
    )


def test_export_cohort_writes_de_identified_records_that_determine_and_simulate_read(
    bench: Bench, tmp_path: Path
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    name = canary()
    cases.create(reg, org.caseworker, family(name, riders=2, citizenship="SV"))
    cases.create(reg, org.caseworker, {"people": [person(canary(2), a_number="A555000111")]})
    out = tmp_path / "cohort.csv"
    assert cohort.export(reg, org.caseworker, out) == 4
    text = out.read_text()
    assert name not in text and "555000111" not in text and "Canary" not in text
    table = determine_records(out, reg.scenario, explain=False).table
    assert table.encounters.n == 4
    from asylum_pathways.io.encounters import read_encounters

    assert (
        read_encounters(out, reg.scenario.tree).encounters.n == 4
    )  # what simulate --encounters reads
    with reg.db.transaction(ALL) as s:
        assert s.query(AuditEntry).filter(AuditEntry.action == "export").count() == 2


@pytest.mark.slow
def test_exports_need_the_export_permission(bench: Bench, tmp_path: Path) -> None:
    from asylum_pathways.registry.errors import Forbidden

    reg = bench.registry()
    org = bench.org(reg, "Org A")
    for role in ("admin", "analyst", "auditor"):
        with pytest.raises(Forbidden):
            cohort.export(reg, org.of(role), tmp_path / "x.csv")


@pytest.mark.slow
def test_a_backup_restores_into_a_new_registry_with_everything_and_a_verifying_log(
    bench: Bench, tmp_path: Path
) -> None:
    from asylum_pathways.registry import migrate
    from asylum_pathways.registry.database import Database

    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, family("Backed Up", riders=1))
    before = cases.read(reg, org.caseworker, case_id)
    counts = backup.backup(reg, tmp_path / "b.jsonl.gz")
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    db = Database(target)
    migrate.upgrade(db)
    db.dispose()
    restored = Bench(target, target, bench.keys, tmp_path, "sqlite", bench.now)
    r2 = restored.registry()
    got = backup.restore(r2, tmp_path / "b.jsonl.gz")
    assert got == counts
    after = cases.read(r2, org.caseworker, case_id)
    assert after["people"] == before["people"]
    with pytest.raises(Exception, match="not empty"):
        backup.restore(r2, tmp_path / "b.jsonl.gz")
    restored.close()


def test_a_sqlite_backup_restores_into_this_database(bench: Bench, tmp_path: Path) -> None:
    from asylum_pathways.registry import migrate
    from asylum_pathways.registry.database import Database

    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    db = Database(source)
    migrate.upgrade(db)
    db.dispose()
    src = Bench(source, source, bench.keys, tmp_path, "sqlite", bench.now)
    sreg = src.registry()
    org = src.org(sreg, "Org A")
    case_id = cases.create(sreg, org.caseworker, {"people": [person("Moved Across")]})
    backup.backup(sreg, tmp_path / "s.gz")
    reg = bench.registry()
    backup.restore(reg, tmp_path / "s.gz")
    assert cases.read(reg, org.caseworker, case_id)["people"][0]["name"] == "Moved Across"
    src.close()


def test_purge_dry_run_lists_closed_cases_past_retention_and_purge_deletes_them(
    bench: Bench,
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    old = cases.create(reg, org.caseworker, {"people": [person("Old Closed")]})
    recent = cases.create(reg, org.caseworker, {"people": [person("Recent Closed")]})
    still_open = cases.create(reg, org.caseworker, {"people": [person("Open")]})
    bench.now[0] = dt.datetime(2018, 6, 1, 9, 0)
    cases.update(reg, org.caseworker, old, {"status": "closed"})
    bench.now[0] = dt.datetime(2025, 6, 1, 9, 0)
    cases.update(reg, org.caseworker, recent, {"status": "closed"})
    retention.set_retention(reg, org.caseworker.org_id, 7)
    due = retention.purge(reg, dry_run=True)
    assert [d.case_id for d in due] == [old] and due[0].due_on == dt.date(2025, 6, 1)
    assert _count(reg, Case) == 3
    retention.purge(reg, dry_run=False)
    with reg.db.transaction(ALL) as s:
        assert set(s.scalars(select(Case.id))) == {recent, still_open}
        assert s.query(AuditEntry).filter(AuditEntry.action == "purge").count() == 1
