"""Custom Rasa NLU components for Dutch: spaCy loading, crisis detection, lexicon extraction."""
