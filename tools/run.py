"""`make run`: starts Rasa, the action server and the backend under honcho (see Procfile)."""
from __future__ import annotations

import os
import sys

from tools.stack_env import ROOT, stack_env


def main() -> None:
    env = stack_env()
    honcho = str(ROOT / ".venv" / "bin" / "honcho")
    os.chdir(ROOT)
    # honcho owns the processes from here: Ctrl-C stops all of them.
    os.execve(honcho, [honcho, "start", "-f", "Procfile"], env)


if __name__ == "__main__":
    sys.exit(main())
