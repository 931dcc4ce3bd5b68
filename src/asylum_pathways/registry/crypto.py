"""Field encryption (AES-256-GCM) and the A-number blind index (HMAC-SHA-256).

A stored value is `KEYID.BASE64(nonce || ciphertext || tag)`: the key id travels with the value,
so values written under an older key stay readable until `registry rotate-key` re-encrypts them.
The associated data is `table/column/row id`: a value moved to another row or column does not
decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from asylum_pathways.registry.keys import Keyring

A_NUMBER = re.compile(r"A?-?(\d{3})-?(\d{3})-?(\d{2,3})")


class DecryptionError(Exception):
    """A stored value does not decrypt under its key and place (tampered, moved or keyless)."""


class FieldCipher:
    def __init__(self, keys: Keyring) -> None:
        self.keys = keys
        self._aead = {kid: AESGCM(key) for kid, key in keys.data_keys.items()}

    def encrypt(self, plain: str, table: str, column: str, row_id: str) -> str:
        kid = self.keys.active
        nonce = secrets.token_bytes(12)
        sealed = self._aead[kid].encrypt(nonce, plain.encode(), _aad(table, column, row_id))
        return f"{kid}.{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, value: str, table: str, column: str, row_id: str) -> str:
        kid, _, body = value.partition(".")
        aead = self._aead.get(kid)
        if aead is None:
            raise DecryptionError(f"{table}.{column} of row {row_id}: unknown key id {kid!r}")
        raw = base64.b64decode(body)
        try:
            return aead.decrypt(raw[:12], raw[12:], _aad(table, column, row_id)).decode()
        except InvalidTag:
            raise DecryptionError(f"{table}.{column} of row {row_id}: does not decrypt") from None

    def key_id(self, value: str) -> str:
        return value.partition(".")[0]

    def blind_index(self, a_number: str) -> str:
        """The keyed index of an A-number (normalised to nine digits)."""
        digits = normalise_a_number(a_number)
        return hmac.new(self.keys.index_key, digits.encode(), hashlib.sha256).hexdigest()


def normalise_a_number(text: str) -> str:
    """Nine digits from `A123456789`, `A-123-456-789` or an eight-digit number (zero-padded).
    Raises ValueError (without the value) when it is not an A-number."""
    match = A_NUMBER.fullmatch(text.strip().upper().replace(" ", ""))
    if match is None:
        raise ValueError("not an A-number (expected A followed by 8 or 9 digits)")
    return "".join(match.groups()).rjust(9, "0")


def _aad(table: str, column: str, row_id: str) -> bytes:
    return f"{table}/{column}/{row_id}".encode()
