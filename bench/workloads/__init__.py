"""The workloads of issue 4, each a module with ``NAME``, ``checks(cfg)`` and ``run(cfg)``."""
