"""`python -m rasa_server <rasa arguments>`: Rasa's command line, after the changes of
rasa_server/patches.py are applied in this process.

    .venv/bin/python -m rasa_server run --enable-api --port 5005 --endpoints endpoints.yml ...

Rasa 3.6 serves `rasa run` in the process that parses the command line (one Sanic worker),
so the changes apply to the server that answers.
"""
from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    # skops (the intent regression's file format, bot/nlu/intent_blend.py) builds its table of
    # trusted types on import by searching every loaded module for each type: 0.8 s before
    # TensorFlow and Rasa are loaded, about 3 s after. Imported first, the model loads faster.
    import skops.io  # noqa: F401
    from rasa_server import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
