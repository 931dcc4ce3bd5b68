"""Authorization in one place: a permission check and the lookup of an object of the caller's
own organisation (anything else is "not found", so existence does not leak across
organisations)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from asylum_pathways.registry.database import FOR_EDIT, Scope
from asylum_pathways.registry.errors import Forbidden, NotFound
from asylum_pathways.registry.roles import Permission, Principal

T = TypeVar("T")


def require(principal: Principal, permission: Permission) -> None:
    if not principal.may(permission):
        raise Forbidden(
            f"forbidden: a {principal.role.value} "
            + ("token without that scope " if principal.scopes is not None else "")
            + f"may not {permission.value.replace(':', ' ')}"
        )


def scope(principal: Principal) -> Scope:
    return Scope.of(principal.org_id)


def own(
    session: Session,
    model: type[T],
    object_id: str,
    principal: Principal,
    what: str,
    *,
    lock: bool = False,
) -> T:
    """The object `object_id` of `model` if it belongs to the caller's organisation. With
    `lock`, for a read-modify-write: its row is locked until the transaction ends (see
    `database.lock_row`), so two concurrent edits cannot both start from the same version."""
    found = (
        session.get(model, object_id, with_for_update=FOR_EDIT if lock else None)
        if isinstance(object_id, str) and len(object_id) <= 64
        else None
    )
    if found is None or getattr(found, "org_id", None) != principal.org_id:
        raise NotFound(f"no {what} with that id in your organisation")
    return found
