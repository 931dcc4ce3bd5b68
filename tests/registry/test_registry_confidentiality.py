"""Confidentiality at rest: names, A-numbers, dates of birth, addresses and the facts (the fact of
a fear claim among them) are AES-GCM ciphertext bound to their table, column and row, under a key
kept outside the database; `rotate-key` re-encrypts every row; the raw database holds none of a
canary's values. Row-level security on PostgreSQL is a second wall, tested as the application
role."""

from __future__ import annotations

import json
import shutil

import pytest
from registry_helpers import Bench, canary, family, person, raw_bytes
from sqlalchemy import create_engine, select, text, update

from asylum_pathways.registry import cases, rotation
from asylum_pathways.registry.crypto import DecryptionError
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.keys import Keyring
from asylum_pathways.registry.models import Person


def test_asvs_6_1_1_identity_and_facts_are_not_in_the_raw_database(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    names = [canary(i) for i in range(3)]
    body = family(names[0], riders=2)
    for p, n in zip(body["people"], names, strict=True):
        p["name"] = n
        p["a_number"] = "A907718236"
        p["address"] = "77 Canary Wharf Lane, Tucson"
        p["birth_date"] = "1987-11-23"
    cases.create(reg, org.caseworker, body)
    reg.db.dispose()
    raw = raw_bytes(bench)
    for secret in (*names, "907718236", "Canary Wharf", "1987-11-23", '"claims_fear"'):
        assert secret.encode() not in raw, secret


def test_asvs_6_2_1_a_value_moved_to_another_row_does_not_decrypt(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    a = cases.create(reg, org.caseworker, {"people": [person("Row One")]})
    b = cases.create(reg, org.caseworker, {"people": [person("Row Two")]})
    with reg.db.transaction(ALL) as s:
        pa = s.scalars(select(Person).where(Person.case_id == a)).one()
        pb = s.scalars(select(Person).where(Person.case_id == b)).one()
        s.execute(update(Person).where(Person.id == pb.id).values(name_enc=pa.name_enc))
    with pytest.raises(DecryptionError):
        cases.read(reg, org.caseworker, b)


def test_each_value_names_its_key_and_rotate_key_re_encrypts_every_row(
    bench: Bench, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    keys = tmp_path / "own-keys.json"
    shutil.copy(bench.keys, keys)
    bench.keys = keys
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, family("Rotated Lead", riders=1))
    before = cases.read(reg, org.caseworker, case_id)
    old = reg.keys.active
    kid, n = rotation.rotate(reg)
    assert kid != old and n >= 4
    with reg.db.transaction(ALL) as s:
        values = [
            v for row in s.execute(select(Person.name_enc, Person.facts_enc)) for v in row if v
        ]
    assert values and all(v.startswith(kid + ".") for v in values)
    fresh = bench.registry()
    assert Keyring.load(keys).active == kid
    assert cases.read(fresh, org.caseworker, case_id)["people"] == before["people"]


def test_the_key_file_is_outside_the_database_and_private(bench: Bench) -> None:
    assert oct(bench.keys.stat().st_mode & 0o777) == "0o600"
    reg = bench.registry()
    raw = raw_bytes(bench)
    for key in reg.keys.data_keys.values():
        import base64

        assert base64.b64encode(key) not in raw


def test_row_level_security_hides_other_organisations_from_the_application_role(
    bench: Bench,
) -> None:
    if bench.backend != "postgres":
        pytest.skip("row-level security is PostgreSQL's")
    reg = bench.registry()
    a, b = bench.org(reg, "Org A"), bench.org(reg, "Org B")
    cases.create(reg, a.caseworker, {"people": [person("In A")]})
    cases.create(reg, b.caseworker, {"people": [person("In B")]})
    app = create_engine(bench.url)
    with app.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 0
        conn.execute(text("SELECT set_config('app.org_id', :o, true)"), {"o": a.caseworker.org_id})
        orgs = {r[0] for r in conn.execute(text("SELECT org_id FROM people"))}
        assert orgs == {a.caseworker.org_id}
    with pytest.raises(Exception, match="row-level security"), app.begin() as conn:
        conn.execute(text("SELECT set_config('app.org_id', :o, true)"), {"o": a.caseworker.org_id})
        conn.execute(
            text(
                "INSERT INTO cases (id, org_id, status, version, created_at, updated_at) VALUES ('x', :b, 'open', 1, now(), now())"
            ),
            {"b": b.caseworker.org_id},
        )
    with app.begin() as conn:
        role = conn.execute(
            text("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
        owner = conn.execute(
            text("SELECT tableowner FROM pg_tables WHERE tablename = 'cases'")
        ).scalar()
        me = conn.execute(text("SELECT current_user")).scalar()
    assert role is False and owner != me
    app.dispose()
    assert json.dumps(cases.listing(reg, a.caseworker))
