"""The static tier: a model2vec student (one vector per token) with the head fitted anew.

model2vec (MIT) runs every token of the teacher encoder's vocabulary through the
encoder once, reduces the vectors with PCA and weighs them by token frequency; a
text's vector is then the mean of its tokens' rows, with no transformer at inference.
The classifier head is fitted again on those vectors (with word n-grams when there
are enough examples per label, as ``lai train --method head`` decides), choosing its
penalty on the held-out split.
"""

from __future__ import annotations

from pathlib import Path

from lepton_ai.artifacts.head_weights import HeadWeights
from lepton_ai.compression.teacher import CompressionData, Teacher
from lepton_ai.errors import E, LeptonError

STATIC_FOLDER = "static"
REQUIREMENT = "model2vec==0.10.0"
#: PCA width of the static vectors (model2vec's default).
STATIC_DIMS = 256


def distil_static(encoder: Path, folder: Path, dims: int = STATIC_DIMS) -> Path:
    """Write the static model distilled from the encoder folder ``encoder`` to ``folder``."""
    from lepton_ai.settings import enforce_offline

    enforce_offline()
    try:
        from model2vec.distill import distill
    except ImportError:
        raise LeptonError(E.E1708, requirement=REQUIREMENT) from None
    distill(str(encoder), pca_dims=dims).save_pretrained(str(folder))
    return folder


def fit_static_head(teacher: Teacher, data: CompressionData, static: Path,
                    seed: int = 0) -> tuple[HeadWeights, float]:
    """A head of the teacher's kind fitted on the static vectors; and its held-out score."""
    from lepton_ai.data.labelled import LabelMap
    from lepton_ai.models.registry import resolve
    from lepton_ai.training.methods import Job, train_head
    from lepton_ai.training.train_config import TrainConfig

    manifest = teacher.manifest
    # n-grams as `lai train --method head` decides them (enough examples per label):
    # they add the exact words that averaged token vectors blur.
    config = TrainConfig.from_options(method="head", head=manifest.head,
                                      seed=seed).resolved("head")
    job = Job(train=data.train, valid=data.evaluation,
              labels=LabelMap(tuple(manifest.labels)), multi_label=manifest.multi_label,
              base=resolve(static), encoder_source=static, config=config, out=static.parent)
    result = train_head(job)
    return result.head, float(result.history[-1]["validation"])

