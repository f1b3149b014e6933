"""rasa_server: each change replaces the Rasa function it was written for, and only the
launcher applies them."""
from __future__ import annotations

import hashlib
import inspect
import os
import subprocess
import sys

import pytest
import rasa

from rasa_server import patches
from tools.stack_env import ROOT


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda patch: f"{patch.owner.__name__}.{patch.attribute}")
def test_rasas_patched_function_is_still_the_one_the_patch_was_written_for(patch):
    digest = hashlib.sha256(inspect.getsource(patch.original).encode()).hexdigest()[:16]
    assert digest == patch.source_sha256, (
        f"Rasa {rasa.__version__} changed {patch.owner.__name__}.{patch.attribute} (the patch was written for "
        f"Rasa {patches.RASA_VERSION}): read its new source, check rasa_server/patches.py against it, then update the digest"
    )


def test_the_installed_rasa_is_the_version_the_patches_were_written_for():
    assert rasa.__version__ == patches.RASA_VERSION


def test_importing_changes_nothing_and_the_launcher_applies_every_change_before_rasa_starts():
    script = (
        "import rasa.__main__, sys\n"
        "from rasa_server import patches\n"
        "unchanged = all(getattr(p.owner, p.attribute) is not p.replacement for p in patches.PATCHES)\n"
        "seen = {}\n"
        "def fake_main():\n"
        "    seen['applied'] = all(p.owner.__dict__[p.attribute] is p.replacement for p in patches.PATCHES)\n"
        "    seen['argv'] = sys.argv\n"
        "rasa.__main__.main = fake_main\n"
        "from rasa_server.__main__ import main\n"
        "main(['run', '--port', '5999'])\n"
        "print(unchanged, seen['applied'], seen['argv'])\n"
    )
    env = {name: value for name, value in os.environ.items() if name not in ("RASA_TOKEN", "RASA_INTERFACE")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True True ['rasa', 'run', '--interface', '127.0.0.1', '--port', '5999']"


def test_the_procfiles_start_rasa_through_the_launcher_without_the_token_on_the_command_line():
    for procfile in (ROOT / "Procfile", ROOT / "deploy" / "scaleout" / "Procfile"):
        rasa_lines = [line for line in procfile.read_text().splitlines() if line.startswith("rasa")]
        assert rasa_lines and all("python -m rasa_server run" in line for line in rasa_lines), procfile
        # The launcher reads RASA_TOKEN from the environment (tests/rasa_server/test_launcher.py).
        assert not any("RASA_TOKEN" in line or "auth-token" in line for line in rasa_lines), procfile
