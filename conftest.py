"""Root pytest configuration: notebook items get the ``notebooks`` marker.

nbval collects every ``lessons/*.ipynb`` (``--nbval-lax`` in pyproject.toml:
cells must run; cells marked ``# NBVAL_CHECK_OUTPUT`` must also reproduce
their stored output). ``pytest -m "not notebooks"`` skips them.
"""

import os

import pytest

# Lessons run at smoke scale under pytest unless a scale is chosen explicitly.
os.environ.setdefault("CI", "true")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebooks)
