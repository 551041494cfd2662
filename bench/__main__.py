"""``python -m bench``: pin the BLAS threads before NumPy loads, then run the suite."""

import sys

from bench.env import pin_threads, threads_from_argv

_pinned = pin_threads(threads_from_argv(sys.argv[1:]))

from bench.cli import main  # noqa: E402  (NumPy must load after the pinning above)

sys.exit(main(sys.argv[1:], pinned=_pinned))
