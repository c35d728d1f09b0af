"""Run every benchmark in this folder (``make bench``); each prints its ratios.

Benchmarks measure speed as ratios against a baseline measured in the same run, never as
absolute times: these machines are shared and noisy.
"""

import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run ``bench_*.py`` one after the other; return non-zero if any failed."""
    status = 0
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
