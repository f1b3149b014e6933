"""The NLU data stays consistent: counts, the 80/20 split, no duplicates, canonical entity values."""
import subprocess
import sys
from pathlib import Path


def test_nlu_training_data_and_test_split_pass_the_checks():
    script = Path(__file__).with_name("check_nlu_data.py")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
