"""`registry rotate-key`: a new data key, and every encrypted value re-encrypted under it.

The key file gains the new key (and keeps the old ones, for old backups) BEFORE the database is
changed, so a failure at any point leaves every value readable; the re-encryption is one
transaction."""

from __future__ import annotations

from sqlalchemy import select, update

from asylum_pathways.registry import audit
from asylum_pathways.registry.case_people import ENCRYPTED
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.crypto import FieldCipher
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import Person, User

PEOPLE_COLUMNS = (*ENCRYPTED.values(), "facts_enc")


def rotate(reg: Registry) -> tuple[str, int]:
    old = FieldCipher(reg.keys)
    new_kid = reg.keys.add_data_key()
    reg.keys.save()
    new = FieldCipher(reg.keys)
    reg.__dict__["cipher"] = new
    count = 0
    with reg.db.transaction(ALL) as session:
        cols = [getattr(Person, c) for c in PEOPLE_COLUMNS]
        for row in session.execute(select(Person.id, *cols)).all():
            values = {}
            for name in PEOPLE_COLUMNS:
                value = getattr(row, name)
                if value is not None:
                    plain = old.decrypt(value, "people", name, row.id)
                    values[name] = new.encrypt(plain, "people", name, row.id)
                    count += 1
            session.execute(update(Person).where(Person.id == row.id).values(**values))
        for uid, secret in session.execute(select(User.id, User.totp_secret_enc)).all():
            if secret:
                plain = old.decrypt(secret, "users", "totp_secret_enc", uid)
                session.execute(
                    update(User)
                    .where(User.id == uid)
                    .values(totp_secret_enc=new.encrypt(plain, "users", "totp_secret_enc", uid))
                )
                count += 1
        audit.append(
            session, [audit.Entry("system:rotate-key", None, "rotate_key", "registry", new_kid)]
        )
    return new_kid, count
