"""Schema-driven extraction: the fields you name, out of records (medical, legal, forms).

A schema (YAML or a dict) lists the fields wanted and how each is found:

- ``entity``: spans of one type from a tagger — the defaults (PERSON, DATE, MONEY, …)
  or a folder that ``lai train --task ner`` wrote on your annotations;
- ``pattern``: a regular expression (its first group, if it has one, is the value);
- ``dictionary``: any of a list of terms (or a file of them, one per line);
- ``key_value``: the text after a label such as "案号：" or "Case No." up to the end of
  the line.

``lai.extract(text | Document | path, schema)`` gives one :class:`Extraction` per
document: each field's value(s) with offsets, the sentence that holds it (evidence),
a confidence, and for OCR'd documents the page and box. A schema's ``relations`` say
which value of one field goes with which of another (the amount a party owes, the
dose of a drug): classified by a relation model or examples, or the nearest value in
the sentence (:mod:`~lepton_ai.solutions.extract.linking`).
"""

from __future__ import annotations

from lepton_ai.solutions.extract.extractor import Extraction, extract
from lepton_ai.solutions.extract.schema import Schema, load_schema
from lepton_ai.solutions.extract.values import FieldValue, RelationValue

__all__ = ["Extraction", "FieldValue", "RelationValue", "Schema", "extract", "load_schema"]
