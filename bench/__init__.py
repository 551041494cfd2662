"""tapediff's benchmark suite: every workload timed next to a hand-written NumPy version.

Run ``python -m bench`` (or ``python bench/run.py``); ``--help`` lists the options. This package
must not import NumPy at import time: the launchers pin the BLAS thread count through environment
variables, which only take effect if they are set before NumPy loads.
"""
