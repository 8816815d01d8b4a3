"""The extraction schema: which fields, and how each is found. Validated on load, with
the closest name for a misspelt key or type (LAI-E1501)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lepton_ai.errors import E, LeptonError

FIELD_TYPES = ("entity", "pattern", "dictionary", "key_value")


class FieldSpec(BaseModel):
    """How one field is found (only the keys of its ``type`` apply)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["entity", "pattern", "dictionary", "key_value"]
    description: str = ""
    many: bool = Field(False, description="Every value (a list), not only the first.")
    normalize: Literal["date", "amount"] | None = Field(
        None, description="Also give the value as an ISO date or as an amount and currency.")
    # entity
    label: str | None = None
    model: str | None = None
    lang: Literal["auto", "en", "zh"] = "auto"
    # pattern
    pattern: str | None = None
    ignore_case: bool = False
    # dictionary
    terms: list[str] | None = None
    terms_file: str | None = None
    # key_value
    keys: list[str] | None = None
    until: str = Field("\n。；;", description="Characters that end a value after its key.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"the pattern does not compile: {error}") from None
        return value


_NEEDS = {"entity": ("label",), "pattern": ("pattern",), "dictionary": ("terms", "terms_file"),
          "key_value": ("keys",)}


class RelationSpec(BaseModel):
    """Which value of one field goes with which value of another (``head`` → ``tail``).

    With ``model`` (a relation model from ``lai train --task relations``) or
    ``examples`` (marked sentences per relation type, as ``lai.relations`` takes them),
    each head–tail pair in a sentence is classified and kept when its relation is
    ``label`` (any relation when ``label`` is empty). With neither, each head value is
    paired with the first tail value after it in its sentence, else the closest before.
    """

    model_config = ConfigDict(extra="forbid")

    head: str
    tail: str
    description: str = ""
    label: str | None = None
    model: str | None = None
    examples: dict[str, list[str]] | None = None
    threshold: float = Field(0.5, ge=0.0, le=1.0)


class Schema(BaseModel):
    """A named set of fields, and the relations between them."""

    model_config = ConfigDict(extra="forbid")

    name: str = "extraction"
    fields: dict[str, FieldSpec] = Field(min_length=1)
    relations: dict[str, RelationSpec] = Field(default_factory=dict)
    base_dir: Path | None = Field(None, exclude=True)

    def terms(self, spec: FieldSpec) -> list[str]:
        """A dictionary field's terms, from the schema and its file."""
        found = list(spec.terms or [])
        if spec.terms_file:
            path = Path(spec.terms_file)
            if not path.is_absolute() and self.base_dir is not None:
                path = self.base_dir / path
            if not path.is_file():
                raise LeptonError(E.E301, path=path, cwd=Path.cwd())
            found += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip()]
        return found


def load_schema(source: str | Path | dict[str, Any] | Schema) -> Schema:
    """A schema from a YAML/JSON file, a dict or a :class:`Schema` (LAI-E1501 names what
    is wrong and the closest allowed name)."""
    if isinstance(source, Schema):
        return source
    base_dir = None
    where = "the schema"
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise LeptonError(E.E301, path=path, cwd=Path.cwd())
        import yaml

        try:
            source = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise LeptonError(E.E1501, where=str(path), problem=f"not YAML: {error}",
                              hint="") from None
        base_dir, where = path.parent, str(path)
    if not isinstance(source, dict):
        raise LeptonError(E.E1501, where=where, problem="it is not a mapping", hint="")
    try:
        schema = Schema.model_validate({**source, "base_dir": base_dir})
    except ValidationError as error:
        problem = error.errors()[0]
        location = ".".join(str(part) for part in problem["loc"])
        raise LeptonError(E.E1501, where=where, problem=f"{location}: {problem['msg']}",
                          hint=_closest(problem)) from None
    for name, spec in schema.fields.items():
        if not any(getattr(spec, key) for key in _NEEDS[spec.type]):
            raise LeptonError(E.E1501, where=where,
                              problem=f"fields.{name} (type {spec.type}) needs "
                              + " or ".join(_NEEDS[spec.type]), hint="")
    for name, relation in schema.relations.items():
        for end in ("head", "tail"):
            field_name = getattr(relation, end)
            if field_name not in schema.fields:
                close = difflib.get_close_matches(field_name, list(schema.fields), n=1)
                raise LeptonError(E.E1501, where=where,
                                  problem=f"relations.{name}.{end}: {field_name!r} is not "
                                  f"one of the schema's fields ({', '.join(schema.fields)})",
                                  hint=f" Did you mean {close[0]!r}?" if close else "")
    return schema


def _closest(problem: Any) -> str:
    given = str(problem["loc"][-1]) if problem["type"] == "extra_forbidden" else \
        str(problem.get("input", ""))
    allowed = (list(FieldSpec.model_fields) + list(RelationSpec.model_fields)
               + list(FIELD_TYPES) + ["name", "fields", "relations"])
    close = difflib.get_close_matches(given, allowed, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""
