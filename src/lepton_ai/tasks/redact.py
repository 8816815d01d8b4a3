"""Personal data found and replaced: ``lai.redact``, and ``lai.restore`` to undo pseudonyms.

English: e-mail, phone, card (Luhn), IBAN (mod 97), US SSN, IP and street-address
patterns written here; other national identifiers through Presidio's recognizers;
names and places through the shipped English tagger. Chinese, written here:
18-digit resident IDs (region, birth date, check character), mobile and landline
numbers, bank cards (Luhn, 16–19 digits), passports (with a context word),
licence plates, street addresses, and names and places through the Chinese
tagger. Full-width digits and numbers written in groups are found too; offsets
are those of the text you gave. See :mod:`lepton_ai.privacy`.

Modes: ``replace`` → ``[PERSON]``; ``mask`` → ``***`` keeping the layout; ``hash``
→ ``[PERSON:3f2a…]``, an HMAC under ``key`` (equal values link across calls);
``pseudonymize`` → ``[PERSON_1]``, the same for the same value in every text of
the call, and in every call with the same ``vault`` (an encrypted file; the key
comes from ``key`` or ``$LAI_VAULT_KEY``), which :func:`restore` reverses.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args, overload

from pydantic import Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.privacy import mask_personal_data
from lepton_ai.privacy.finder import find_pii, wanted_types
from lepton_ai.privacy.redactor import (
    Mode,
    PiiEntity,
    Redaction,
    apply_redaction,
    operator_for,
    restore_text,
)
from lepton_ai.privacy.vault import KEY_ENV, PseudonymVault
from lepton_ai.settings import settings
from lepton_ai.tasks.classify import comma_labels
from lepton_ai.tasks.declaration import Options, TaskDeclaration, local_only
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.tasks.named_pii import named_spans

__all__ = ["PiiEntity", "Redaction", "redact", "redact_for_storage", "restore"]


@overload
def redact(texts: str, *, lang: str = ..., types: Sequence[str] | None = ..., mode: Mode = ...,
           min_score: float = ..., key: str | None = ...,
           vault: str | Path | None = ...) -> Redaction: ...
@overload
def redact(texts: Sequence[str], *, lang: str = ..., types: Sequence[str] | None = ...,
           mode: Mode = ..., min_score: float = ..., key: str | None = ...,
           vault: str | Path | None = ...) -> list[Redaction]: ...
def redact(
    texts: str | Sequence[str], *, lang: str = "auto", types: Sequence[str] | None = None,
    mode: Mode = "replace", min_score: float = 0.5, key: str | None = None,
    vault: str | Path | None = None,
) -> Redaction | list[Redaction]:
    """Each text with its personal data replaced, and what was found (type, offsets in
    the text you gave, score, recognizer, replacement).

    ``types``: which (e.g. ``["PERSON", "PHONE_NUMBER"]``); default: all but
    ORGANIZATION (LAI-E1301 names the closest known type). ``min_score``: spans
    found less surely are not replaced. ``vault`` (pseudonymize only): the encrypted file
    of pseudonyms, created or extended; its key is ``key`` or ``$LAI_VAULT_KEY``.
    """
    items, single = as_text_list(texts)
    if mode not in get_args(Mode):
        raise LeptonError(E.E1305, option="mode", value=mode, allowed=", ".join(get_args(Mode)))
    if not 0.0 <= min_score <= 1.0:
        raise LeptonError(E.E1305, option="min_score", value=min_score, allowed="0 to 1")
    key = key or os.environ.get(KEY_ENV) or None
    if vault is not None and mode != "pseudonymize":
        raise LeptonError(E.E1306, mode=mode)
    opened = PseudonymVault(vault, key or "") if vault is not None else None
    spans = find_pii(items, lang=lang, types=wanted_types(types), min_score=min_score,
                     names=named_spans)
    operator = operator_for(mode, key, opened)
    results = [apply_redaction(text, found, operator) for text, found in zip(items, spans,
                                                                            strict=True)]
    if opened is not None:
        opened.save()
    return results[0] if single else results


@overload
def restore(texts: str, *, vault: str | Path, key: str | None = ...) -> str: ...
@overload
def restore(texts: Sequence[str], *, vault: str | Path, key: str | None = ...) -> list[str]: ...
def restore(texts: str | Sequence[str], *, vault: str | Path,
            key: str | None = None) -> str | list[str]:
    """Texts pseudonymized with ``vault``, with the originals put back (the key is
    ``key`` or ``$LAI_VAULT_KEY``; a wrong one is refused, LAI-E1302)."""
    items, single = as_text_list(texts)
    if not Path(vault).is_file():
        raise LeptonError(E.E1304, path=vault, detail="there is no such file")
    opened = PseudonymVault(vault, key or os.environ.get(KEY_ENV) or "")
    restored = [restore_text(text, opened) for text in items]
    return restored[0] if single else restored


def redact_for_storage(text: str) -> str:
    """What a store may keep of ``text``: numbers, e-mails and addresses replaced by
    their type always; in privacy mode (``lai.settings.privacy_mode``, ``lai serve
    --redact``) names and places too."""
    if not settings.privacy_mode:
        return mask_personal_data(text)
    if not text.strip():
        return text
    return redact(text).text


class RedactOptions(Options):
    """Options of :func:`redact`."""

    lang: Literal["auto", "en", "zh"] = Field("auto", description="auto decides per text.")
    types: list[str] | None = Field(
        None, description="Types to find (comma-separated on the command line), e.g. "
        "PERSON,PHONE_NUMBER; default: all but ORGANIZATION (lai tasks lists them).")
    mode: Mode = Field("replace", description="replace → [PERSON]; mask → ***; hash → "
                       "[PERSON:hmac]; pseudonymize → [PERSON_1], reversible with a vault.")
    min_score: float = Field(0.5, ge=0.0, le=1.0,
                             description="Spans found less surely than this are not replaced.")
    key: str | None = Field(
        None, description="The hash or vault key; default $LAI_VAULT_KEY (prefer it: a "
        "key on the command line stays in your shell history).",
        json_schema_extra=local_only())
    vault: str | None = Field(
        None, description="Pseudonymize only: the encrypted pseudonym file, created or "
        "extended, that lai restore reverses.", json_schema_extra=local_only())


TASK = TaskDeclaration(
    name="redact", version="v1",
    summary="Personal data (names, IDs, phones, cards, e-mails, addresses) replaced.",
    function=redact, options=RedactOptions, result=Redaction,
    defaults={"en": "patterns + Presidio + en-ner-minilm",
              "zh": "patterns + zh-ner-charcrf + jieba names"},
    cli_parsers={"types": comma_labels})
