"""Authentication as OWASP ASVS 4.0.3 (level 2) and NIST SP 800-63B rev. 4 ask: each test is
named after the requirement it checks (docs/registry.md maps them)."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_helpers import PASSWORD, Bench

from asylum_pathways.registry import accounts, passwords
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.errors import Conflict, Forbidden, Throttled, Unauthenticated
from asylum_pathways.registry.models import LoginSession, User


def test_nist_3_1_1_2_passwords_of_at_least_15_characters_when_single_factor() -> None:
    with pytest.raises(passwords.PasswordRejected, match="at least 15"):
        passwords.check("fourteen chars", second_factor=False)
    passwords.check("fifteen chars!!", second_factor=False)


def test_asvs_2_1_1_passwords_of_at_least_8_characters_with_a_second_factor() -> None:
    with pytest.raises(passwords.PasswordRejected, match="at least 8"):
        passwords.check("7 chars", second_factor=True)
    passwords.check("eight ch", second_factor=True)


def test_asvs_2_1_2_passwords_of_64_characters_or_more_are_permitted() -> None:
    passwords.check("x" * 40 + " and then some more words " + "y" * 60, second_factor=False)


def test_asvs_2_1_7_common_and_breached_passwords_are_refused() -> None:
    assert len(passwords.blocklist()) > 19_000
    for pw in ("password1234567", "1234567890123456", "qwertyuiopasdfgh"):
        if pw in passwords.blocklist():
            with pytest.raises(passwords.PasswordRejected, match="blocklist"):
                passwords.check(pw, second_factor=False)
    listed = next(p for p in sorted(passwords.blocklist()) if len(p) >= 15)
    with pytest.raises(passwords.PasswordRejected, match="blocklist"):
        passwords.check(listed, second_factor=False)
    with pytest.raises(passwords.PasswordRejected, match="blocklist"):
        passwords.check("password", second_factor=True)


def test_nist_3_1_1_2_context_words_are_refused() -> None:
    with pytest.raises(passwords.PasswordRejected, match="name"):
        passwords.check("asylum-pathways!", second_factor=True)
    with pytest.raises(passwords.PasswordRejected, match="name"):
        passwords.check("maria.lopez2024", second_factor=True, context=("maria.lopez",))


def test_asvs_2_1_9_no_composition_rules() -> None:
    for pw in (
        "all lower case letters only",
        "ÜñíçødéPässwörd 😀 ok",
        "spaces  and   more   spaces",
    ):
        passwords.check(pw, second_factor=False)


def test_asvs_2_4_1_passwords_are_hashed_with_argon2id(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    with reg.db.transaction(ALL) as s:
        stored = s.get(User, org.admin.user_id).password_hash  # type: ignore[union-attr]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert passwords.hash_password(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(stored, PASSWORD) and not passwords.verify(stored, PASSWORD + "x")


def test_asvs_2_5_4_no_default_accounts(bench: Bench) -> None:
    reg = bench.registry()
    with reg.db.transaction(ALL) as s:
        assert s.query(User).count() == 0
    with pytest.raises(Unauthenticated):
        accounts.login(reg, "admin@example.org", "admin", "000000")


def test_a_setup_token_is_one_time_and_expires_within_24_hours(bench: Bench) -> None:
    reg = bench.registry()
    assert reg.policy.setup_token_life <= dt.timedelta(hours=24)
    token = accounts.bootstrap(reg, "Org A")
    accounts.setup(reg, token, "first@org-a.example", PASSWORD)
    with pytest.raises(Unauthenticated):
        accounts.setup(reg, token, "second@org-a.example", PASSWORD)
    with pytest.raises(Conflict):
        accounts.bootstrap(reg, "Org A")
    late = accounts.bootstrap(reg, "Org B")
    bench.now[0] += dt.timedelta(hours=24, seconds=1)
    with pytest.raises(Unauthenticated):
        accounts.setup(reg, late, "first@org-b.example", PASSWORD)


def test_asvs_2_7_and_4_3_1_every_role_signs_in_with_a_second_factor(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    for role in ("admin", "caseworker", "analyst", "auditor"):
        with pytest.raises(Unauthenticated):
            accounts.login(reg, org.emails[role], PASSWORD, None)
        bench.now[0] += dt.timedelta(seconds=31)
        signed = accounts.login(reg, org.emails[role], PASSWORD, bench.code(org.secrets[role]))
        assert signed.principal.role.value == role


def test_asvs_2_8_4_a_totp_code_is_used_only_once(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    code = bench.code(org.secrets["caseworker"])
    accounts.login(reg, org.emails["caseworker"], PASSWORD, code)
    with pytest.raises(Unauthenticated):
        accounts.login(reg, org.emails["caseworker"], PASSWORD, code)


def test_asvs_2_8_1_a_totp_code_is_valid_one_step_either_side_only(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    with pytest.raises(Unauthenticated):
        accounts.login(reg, org.emails["analyst"], PASSWORD, bench.code(org.secrets["analyst"], -3))
    accounts.login(reg, org.emails["analyst"], PASSWORD, bench.code(org.secrets["analyst"], 1))


def test_asvs_3_2_2_session_tokens_have_256_bits_and_only_their_hash_is_stored(
    bench: Bench,
) -> None:
    import base64

    reg = bench.registry()
    org = bench.org(reg, "Org A")
    signed = accounts.login(
        reg, org.emails["caseworker"], PASSWORD, bench.code(org.secrets["caseworker"])
    )
    assert len(base64.urlsafe_b64decode(signed.token + "==")) * 8 >= 128
    with reg.db.transaction(ALL) as s:
        rows = s.query(LoginSession).all()
    assert [r.token_hash for r in rows] == [accounts.digest(signed.token)]
    assert signed.token not in {r.token_hash for r in rows}


def _signed(bench: Bench, reg, org, role: str = "caseworker"):  # type: ignore[no-untyped-def]
    bench.now[0] += dt.timedelta(seconds=31)
    return accounts.login(reg, org.emails[role], PASSWORD, bench.code(org.secrets[role]))


def test_asvs_3_3_1_logout_ends_the_session(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    signed = _signed(bench, reg, org)
    p = accounts.session_principal(reg, signed.token)
    accounts.logout(reg, p)
    with pytest.raises(Unauthenticated):
        accounts.session_principal(reg, signed.token)


def test_asvs_3_3_2_sessions_end_after_30_minutes_idle_and_12_hours_in_all(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    signed = _signed(bench, reg, org)
    bench.now[0] += dt.timedelta(minutes=31)
    with pytest.raises(Unauthenticated, match="expired"):
        accounts.session_principal(reg, signed.token)
    signed = _signed(bench, reg, org)
    for _ in range(25):  # active every 29 minutes, for 12 hours and more
        bench.now[0] += dt.timedelta(minutes=29)
        if bench.now[0] >= signed.expires_at:
            break
        accounts.session_principal(reg, signed.token)
    with pytest.raises(Unauthenticated, match="expired"):
        accounts.session_principal(reg, signed.token)


def test_asvs_3_3_4_an_admin_ends_a_users_sessions_and_disabling_ends_them_and_their_tokens(
    bench: Bench,
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    signed = _signed(bench, reg, org)
    accounts.change_user(reg, org.admin, org.caseworker.user_id, {"revoke_sessions": True})
    with pytest.raises(Unauthenticated):
        accounts.session_principal(reg, signed.token)
    token, _ = accounts.create_token(reg, org.caseworker, "script", [])
    signed = _signed(bench, reg, org)
    accounts.change_user(reg, org.admin, org.caseworker.user_id, {"disabled": True})
    with pytest.raises(Unauthenticated):
        accounts.session_principal(reg, signed.token)
    with pytest.raises(Unauthenticated):
        accounts.token_principal(reg, token)


def test_a_demoted_user_is_refused_on_the_next_request(bench: Bench) -> None:
    from asylum_pathways.registry import cases

    reg = bench.registry()
    org = bench.org(reg, "Org A")
    signed = _signed(bench, reg, org)
    p = accounts.session_principal(reg, signed.token)
    cases.listing(reg, p)
    accounts.change_user(reg, org.admin, org.caseworker.user_id, {"role": "analyst"})
    with pytest.raises(Unauthenticated):
        accounts.session_principal(reg, signed.token)  # sessions end on a change of role
    token, _ = accounts.create_token(reg, org.admin, "admin script", [])
    p2 = accounts.token_principal(reg, token)
    accounts.change_user(reg, org.admin, org.admin.user_id, {"role": "admin"})
    assert p2.role.value == "admin"


def test_asvs_3_5_2_api_tokens_are_shown_once_hashed_scoped_and_revocable(bench: Bench) -> None:
    from asylum_pathways.registry import cases
    from asylum_pathways.registry.models import ApiToken

    reg = bench.registry()
    org = bench.org(reg, "Org A")
    token, view = accounts.create_token(reg, org.caseworker, "read only", ["cases:read"])
    assert "token" not in view and view["scopes"] == ["cases:read"]
    with reg.db.transaction(ALL) as s:
        assert s.query(ApiToken).one().token_hash == accounts.digest(token)
    p = accounts.token_principal(reg, token)
    cases.listing(reg, p)
    with pytest.raises(Forbidden):
        cases.create(reg, p, {"people": []})
    with pytest.raises(Forbidden):
        accounts.create_token(reg, p, "wider", ["cases:write"])
    accounts.revoke_token(reg, org.caseworker, view["id"])
    with pytest.raises(Unauthenticated):
        accounts.token_principal(reg, token)


def test_asvs_2_2_1_repeated_failures_slow_the_next_attempt(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    email = org.emails["caseworker"]
    for _ in range(reg.policy.free_failures + 1):
        with pytest.raises(Unauthenticated):
            accounts.login(reg, email, "wrong password here", "000000")
    with pytest.raises(Throttled) as exc:
        accounts.login(reg, email, PASSWORD, bench.code(org.secrets["caseworker"]))
    assert exc.value.retry_after >= 1
    bench.now[0] += dt.timedelta(seconds=exc.value.retry_after + 1)
    accounts.login(reg, email, PASSWORD, bench.code(org.secrets["caseworker"]))


def _fail(bench: Bench, reg, email: str, times: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        bench.now[0] += dt.timedelta(seconds=reg.policy.max_delay_seconds + 1)
        with pytest.raises(Unauthenticated):
            accounts.login(reg, email, "wrong password here", "000000")


@pytest.mark.slow
def test_nist_3_2_2_no_more_than_100_consecutive_failures_per_account(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    _fail(bench, reg, org.emails["caseworker"], reg.policy.max_failures)
    assert reg.policy.max_failures <= 100
    bench.now[0] += dt.timedelta(hours=1)
    with pytest.raises(Unauthenticated, match="locked"):
        accounts.login(
            reg, org.emails["caseworker"], PASSWORD, bench.code(org.secrets["caseworker"])
        )
    accounts.change_user(reg, org.admin, org.caseworker.user_id, {"reset_failures": True})
    accounts.login(reg, org.emails["caseworker"], PASSWORD, bench.code(org.secrets["caseworker"]))


@pytest.mark.slow
def test_the_last_admin_is_throttled_but_never_locked_out(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    _fail(bench, reg, org.emails["admin"], reg.policy.max_failures + 5)
    bench.now[0] += dt.timedelta(seconds=reg.policy.max_delay_seconds + 1)
    accounts.login(reg, org.emails["admin"], PASSWORD, bench.code(org.secrets["admin"]))


def test_the_last_admin_can_be_neither_demoted_nor_disabled(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    with pytest.raises(Conflict):
        accounts.change_user(reg, org.admin, org.admin.user_id, {"role": "caseworker"})
    with pytest.raises(Conflict):
        accounts.change_user(reg, org.admin, org.admin.user_id, {"disabled": True})


def test_asvs_2_1_10_passwords_are_never_rotated_by_force(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    bench.now[0] += dt.timedelta(days=3 * 365)
    accounts.login(reg, org.emails["auditor"], PASSWORD, bench.code(org.secrets["auditor"]))
    assert not any("expire" in c.name for c in User.__table__.columns)


def test_an_admin_manages_only_their_own_organisations_users(bench: Bench) -> None:
    from asylum_pathways.registry.errors import NotFound

    reg = bench.registry()
    a, b = bench.org(reg, "Org A"), bench.org(reg, "Org B")
    with pytest.raises(NotFound):
        accounts.change_user(reg, a.admin, b.caseworker.user_id, {"disabled": True})
    with pytest.raises(Forbidden):
        accounts.change_user(reg, a.caseworker, a.analyst.user_id, {"disabled": True})
