"""Choosing among the measured students, and refusing one that loses too much."""

from __future__ import annotations

from pathlib import Path

from lepton_ai.compression.measurement import Row
from lepton_ai.compression.plan import CompressionPlan, advice
from lepton_ai.errors import E, LeptonError

#: Most points int8 may lose against fp32 for ``--quantize auto`` to keep it.
INT8_TOLERANCE = 0.5


def choose_precision(tried: list[Row], plan: CompressionPlan) -> Row:
    """The student row to keep: the one asked for, or (auto) int8 when it is faster here
    and loses at most :data:`INT8_TOLERANCE` points against fp32."""
    if plan.quantize != "auto" or len(tried) == 1:
        return tried[0]
    fp32, int8 = tried
    keeps = fp32.quality - int8.quality <= min(INT8_TOLERANCE, plan.max_drop)
    return int8 if keeps and int8.texts_per_s_batch32 > fp32.texts_per_s_batch32 else fp32


def gate(teacher: Row, chosen: Row, plan: CompressionPlan, *, metric: str,
         evaluated_on: str, out: Path) -> float:
    """The drop in points; LAI-E1707 when it exceeds ``max_drop`` without ``force``."""
    drop = round(teacher.quality - chosen.quality, 2)
    if drop > plan.max_drop and not plan.force:
        raise LeptonError(E.E1707, drop=drop, metric=metric, before=teacher.quality,
                          after=chosen.quality, evaluated_on=evaluated_on,
                          max_drop=plan.max_drop, out=out, advice=advice(plan),
                          suggested=round(drop + 0.05, 1))
    return drop
