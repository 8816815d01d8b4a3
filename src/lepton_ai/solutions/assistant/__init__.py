"""Customer service over a company's knowledge base (``lai assistant``).

Build a knowledge base from a FAQ table and documents
(:func:`build_knowledge_base`), then talk to it (:class:`Assistant`): hybrid
retrieval, a calibrated confidence, verbatim FAQ answers, clarifying questions,
honest "I don't know", hand-over to a person with a summary, and a conversation
log with personal data masked.
"""

from lepton_ai.solutions.assistant.build import BuildReport, build_knowledge_base
from lepton_ai.solutions.assistant.dialogue import Assistant, Citation, Policy, Reply
from lepton_ai.solutions.assistant.knowledge_base import KnowledgeBase

__all__ = ["Assistant", "BuildReport", "Citation", "KnowledgeBase", "Policy", "Reply",
           "build_knowledge_base"]
