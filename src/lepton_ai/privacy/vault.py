"""The pseudonym vault: which original each pseudonym stands for, encrypted at rest.

A vault is one JSON file: the key is stretched with scrypt (a fresh salt per
write), the table is sealed with AES-256-GCM (``cryptography``), and a file
written with one key cannot be read, or quietly altered, with another: a wrong
key or an edited file is refused with LAI-E1302 and nothing is decrypted. Writes
go to a temporary file that replaces the vault whole, so an interrupted write
leaves the previous vault intact.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from lepton_ai.errors import E, LeptonError
from lepton_ai.privacy.pseudonyms import PseudonymTable

FORMAT = "lepton-ai.pseudonym-vault"
VERSION = 1
#: scrypt cost: 2**15 × 8 × 128 bytes = 32 MB and ~0.1 s per open, to slow guessing.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
KEY_ENV = "LAI_VAULT_KEY"


class PseudonymVault:
    """Pseudonyms ("[PERSON_1]") and their originals, loaded from and saved to ``path``.

    The same original of the same type always gets the same pseudonym, across
    every text redacted with this vault.
    """

    def __init__(self, path: str | Path, key: str) -> None:
        if not key:
            raise LeptonError(E.E1303, path=path, env=KEY_ENV)
        self.path = Path(path)
        self._key = key.encode("utf-8")
        self.table = PseudonymTable(self._read() if self.path.exists() else None)

    @property
    def originals(self) -> dict[str, str]:
        """Each pseudonym's original."""
        return self.table.originals

    def pseudonym(self, entity_type: str, original: str) -> str:
        """The pseudonym of ``original``: the one it already has, or the next number."""
        return self.table.pseudonym(entity_type, original)

    def save(self) -> None:
        """Seal the table and replace the vault file with it."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, nonce = os.urandom(16), os.urandom(12)
        plain = json.dumps({"pseudonyms": self.originals}, ensure_ascii=False).encode("utf-8")
        sealed = AESGCM(self._derive(salt)).encrypt(nonce, plain, FORMAT.encode())
        record = {"format": FORMAT, "version": VERSION, "kdf": "scrypt", "n": SCRYPT_N,
                  "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt), "nonce": _b64(nonce),
                  "ciphertext": _b64(sealed)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(self.path.name + ".partial")
        staged.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        os.replace(staged, self.path)

    def _derive(self, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R,
                p: int = SCRYPT_P) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(self._key)

    def _read(self) -> dict[str, str]:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            if record.get("format") != FORMAT:
                raise ValueError("not a vault")
            salt, nonce, sealed = (base64.b64decode(record[name])
                                   for name in ("salt", "nonce", "ciphertext"))
            cost = int(record["n"]), int(record["r"]), int(record["p"])
            if cost[0] > 2**20 or cost[1] > 16 or cost[2] > 4:  # a planted file must not
                raise ValueError(f"scrypt cost {cost} is above what this library writes")
            key = self._derive(salt, *cost)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise LeptonError(E.E1304, path=self.path, detail=str(error)) from None
        try:
            plain = AESGCM(key).decrypt(nonce, sealed, FORMAT.encode())
        except InvalidTag:
            raise LeptonError(E.E1302, path=self.path, env=KEY_ENV) from None
        table = json.loads(plain)["pseudonyms"]
        return {str(pseudonym): str(original) for pseudonym, original in table.items()}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
