"""Recommendation from text: items matched to users' histories or a description of
their interests, each pick with its reason. See docs/recommend.md."""

from lepton_ai.solutions.recommend.build import BuildReport, build_recommender
from lepton_ai.solutions.recommend.recommender import Recommendation, Recommender

__all__ = ["BuildReport", "Recommendation", "Recommender", "build_recommender"]
