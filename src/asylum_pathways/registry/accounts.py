"""Accounts: users and roles (`users`), signing in with a second factor, throttling and sessions
(`signin`), and API tokens for scripts (`api_tokens`), under the one name the API, the pages,
the command line and the tests call them by (`accounts.login`, `accounts.create_token`, ...).
"""

from __future__ import annotations

from asylum_pathways.registry.api_tokens import (
    TOKEN_PREFIX,
    create_token,
    revoke_token,
    token_principal,
    token_view,
    tokens,
)
from asylum_pathways.registry.signin import (
    GENERIC,
    SignedIn,
    login,
    logout,
    session_principal,
)
from asylum_pathways.registry.users import (
    NewUser,
    add_user,
    bootstrap,
    change_user,
    cli_principal,
    digest,
    org_scope,
    setup,
    user_view,
    users,
)

__all__ = [
    "GENERIC",
    "TOKEN_PREFIX",
    "NewUser",
    "SignedIn",
    "add_user",
    "bootstrap",
    "change_user",
    "cli_principal",
    "create_token",
    "digest",
    "login",
    "logout",
    "org_scope",
    "revoke_token",
    "session_principal",
    "setup",
    "token_principal",
    "token_view",
    "tokens",
    "user_view",
    "users",
]
