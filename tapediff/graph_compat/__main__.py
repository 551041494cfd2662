"""Run a legacy ``auto_diff`` script unchanged: ``python -m tapediff.graph_compat script.py``."""

from __future__ import annotations

import os
import runpy
import sys

from ._alias import install_auto_diff_alias

USAGE = "usage: python -m tapediff.graph_compat SCRIPT.py [ARGS...]"


def main(argv: list[str] | None = None) -> int:
    """Run ``argv[0]`` as ``__main__`` with ``auto_diff`` resolving to tapediff.graph_compat."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if args else sys.stderr)
        print("Runs a script written for the legacy auto_diff package on tapediff.")
        return 0 if args else 2
    script = args[0]
    if not os.path.isfile(script):
        print(f"{USAGE}\nerror: no such file: {script}", file=sys.stderr)
        return 2
    install_auto_diff_alias()
    sys.argv = [script, *args[1:]]
    # As `python script.py` does: the script's directory comes first on the import path.
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
