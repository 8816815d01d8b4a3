"""Recommendation from text: items matched to users' histories or a description of
their interests, each pick with its reason. See docs/recommend.md."""

from lepton_ai.solutions.recommend.recommender import Recommendation, Recommender
from lepton_ai.solutions.recommend.recommender_build import BuildReport, build_recommender

__all__ = ["BuildReport", "Recommendation", "Recommender", "build_recommender"]
