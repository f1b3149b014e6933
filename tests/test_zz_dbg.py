def test_x():
    import traceback
    try:
        import spacy
        nlp = spacy.blank("nl"); nlp.add_pipe("lemmatizer", config={"mode": "lookup"}); nlp.initialize()
    except Exception:
        traceback.print_exc()
        raise
