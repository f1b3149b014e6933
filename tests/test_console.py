"""tools/console/sitecustomize.py: `make run`'s console hides the deprecation warnings of
installed packages and shows everything else."""
from __future__ import annotations

import subprocess
import sys
import sysconfig

from tools.stack_env import CONSOLE_DIR, ROOT, stack_env

PROGRAM = """
import warnings
warnings.simplefilter("always")  # as some packages do: every warning would show
installed = {site!r} + "/somepackage/module.py"
warnings.warn_explicit("foreign deprecation", DeprecationWarning, installed, 1)
warnings.warn_explicit("foreign pending deprecation", PendingDeprecationWarning, installed, 2)
warnings.warn_explicit("foreign user warning", UserWarning, installed, 3)
warnings.warn_explicit("our deprecation", DeprecationWarning, {own!r}, 4)
"""


def stderr_of(env):
    program = PROGRAM.format(site=sysconfig.get_paths()["purelib"], own=str(ROOT / "bot" / "module.py"))
    return subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60).stderr


def test_the_processes_of_make_run_get_the_console_folder_on_their_path(tmp_path):
    env = stack_env({"PYTHONPATH": "/elsewhere"}, var_dir=tmp_path)
    assert env["PYTHONPATH"].split(":") == ["/elsewhere", str(ROOT), str(CONSOLE_DIR)]


def test_foreign_deprecations_are_hidden_and_the_rest_shows(tmp_path):
    shown = stderr_of({"PYTHONPATH": str(CONSOLE_DIR), "PATH": "/usr/bin:/bin"})
    assert "foreign deprecation" not in shown and "foreign pending deprecation" not in shown
    assert "foreign user warning" in shown and "our deprecation" in shown


def test_without_the_console_folder_every_warning_shows():
    shown = stderr_of({"PATH": "/usr/bin:/bin"})
    assert "foreign deprecation" in shown and "foreign pending deprecation" in shown
