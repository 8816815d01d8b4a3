"""What ``lai compress`` is asked to do, checked before anything runs (LAI-E1702)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from lepton_ai.compression.distillation import DistilSettings
from lepton_ai.errors import E, LeptonError

QUANTIZE_CHOICES = ("auto", "int8", "fp32")


@dataclass(frozen=True)
class CompressionPlan:
    """What to do to the teacher; checked against it by :meth:`check`."""

    layers: int | None = None  # --distil --layers N
    prune_heads: float | None = None  # fraction of heads
    prune_layers: int | None = None  # layers to remove
    static: bool = False
    quantize: str = "auto"
    max_drop: float = 1.0
    force: bool = False
    settings: DistilSettings = field(default_factory=DistilSettings)

    @property
    def method(self) -> str:
        if self.static:
            return "static"
        if self.layers is not None:
            return "distil"
        return "prune" if self.prunes else "quantize"

    @property
    def prunes(self) -> bool:
        return self.prune_heads is not None or self.prune_layers is not None

    @property
    def quantize_only(self) -> bool:
        """Whether the student is the teacher at int8 (no distillation or pruning)."""
        return self.method == "quantize"

    def check(self, teacher_layers: int | None) -> None:
        """LAI-E1702 for a plan that cannot apply to a teacher of ``teacher_layers``."""
        steps = [self.layers is not None, self.prune_heads is not None,
                 self.prune_layers is not None, self.static]
        if not any(steps) and self.quantize != "int8":
            raise LeptonError(E.E1709, quantize=self.quantize)
        if self.static and sum(steps) > 1:
            raise LeptonError(E.E1702, option="--static", value=True,
                              problem="replaces the transformer, so it does not combine "
                              "with distillation or pruning", fix="Run it on its own.")
        if self.quantize not in QUANTIZE_CHOICES:
            raise LeptonError(E.E1702, option="--quantize", value=self.quantize,
                              problem="is not a precision lai compress knows",
                              fix="Give int8, fp32 or auto (measured on this machine).")
        if self.prune_heads is not None and not 0 < self.prune_heads < 1:
            raise LeptonError(E.E1702, option="--prune-heads", value=self.prune_heads,
                              problem="is outside (0, 1)",
                              fix="Give the share of heads to remove, e.g. --prune-heads 0.4.")
        if self.max_drop < 0:
            raise LeptonError(E.E1702, option="--max-drop", value=self.max_drop,
                              problem="is negative", fix="Give points of accuracy, e.g. 1.0.")
        if teacher_layers is None:
            return
        if self.layers is not None and not 0 < self.layers < teacher_layers:
            raise LeptonError(E.E1702, option="--layers", value=self.layers,
                              problem=f"is not fewer than the teacher's {teacher_layers} "
                              "layers", fix=f"Give 1 to {teacher_layers - 1}.")
        kept = self.layers if self.layers is not None else teacher_layers
        if self.prune_layers is not None and not 0 < self.prune_layers < kept:
            raise LeptonError(E.E1702, option="--prune-layers", value=self.prune_layers,
                              problem=f"must leave at least one of the {kept} layers",
                              fix=f"Give 1 to {kept - 1}.")


def advice(plan: CompressionPlan) -> str:
    if plan.quantize_only:
        return "fp32 (leave --quantize out), or a distilled student (--distil --layers 3)"
    if plan.static:
        return (f"more epochs (--epochs {plan.settings.epochs + 4}), unlabelled in-domain "
                "text (--unlabelled FILE), or a transformer student (--distil --layers 3)")
    tips = []
    if plan.layers is not None:
        tips.append(f"more layers (--layers {plan.layers + 1})")
    if plan.prune_heads is not None:
        tips.append(f"a smaller share (--prune-heads {max(0.05, plan.prune_heads - 0.1):.2f})")
    if plan.prune_layers is not None:
        tips.append(f"fewer layers removed (--prune-layers {max(1, plan.prune_layers - 1)})")
    tips += ["unlabelled in-domain text (--unlabelled FILE)",
             f"more epochs (--epochs {plan.settings.epochs + 2})"]
    return ", ".join(tips)


def plan_record(plan: CompressionPlan) -> dict[str, Any]:
    record = asdict(plan)
    record["method"] = plan.method
    return record
