"""``python bench/run.py``: the same as ``python -m bench``, runnable as a script."""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script, Python puts bench/ itself on the path; the package needs its parent.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(here.parent))

    from bench.env import pin_threads, threads_from_argv

    pinned = pin_threads(threads_from_argv(sys.argv[1:]))

    from bench.cli import main

    sys.exit(main(sys.argv[1:], pinned=pinned))
