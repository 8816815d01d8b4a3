"""Recommendation from text: items matched to users' histories or a description of
their interests, each pick with its reason; feedback that counts at once; evaluation
with the field's protocol. See docs/recommend.md."""

from lepton_ai.solutions.recommend.evaluation import (
    EvaluationReport,
    HeldOut,
    evaluate,
    read_split,
)
from lepton_ai.solutions.recommend.feedback import FeedbackLog
from lepton_ai.solutions.recommend.recommender import Recommendation, Recommender
from lepton_ai.solutions.recommend.recommender_build import BuildReport, build_recommender
from lepton_ai.solutions.recommend.recommender_update import update_recommender

__all__ = ["BuildReport", "EvaluationReport", "FeedbackLog", "HeldOut", "Recommendation",
           "Recommender", "build_recommender", "evaluate", "read_split",
           "update_recommender"]
