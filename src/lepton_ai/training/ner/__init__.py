"""Entity recognition (token tagging): data, trainers, evaluation."""
