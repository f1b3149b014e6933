"""Our Rasa server: Rasa Open Source 3.6 with the project's changes, in the open.

- `python -m rasa_server run ...` (__main__.py): `rasa run ...` with the changes of patches.py
  applied first, on RASA_INTERFACE (127.0.0.1 by default) with the API token from RASA_TOKEN in
  the environment. The Procfiles, the tests' stacks and the scale-out set-up start Rasa this way.
- patches.py: the five changes to Rasa's functions, each checked against the Rasa version it
  was written for (tests/rasa_server/test_patches.py).
- tracker_store.py: Rasa's SQL tracker store that keeps the last turn's tracker (endpoints.yml).
- lock_store.py: Rasa's Redis lock store with atomic changes (deploy/scaleout/endpoints.yml).
"""
