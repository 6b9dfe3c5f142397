"""Gallery order: examples by the number in their file name
(``plot_2_...`` before ``plot_10_...``), not by text."""

import re
from pathlib import Path


class ExampleNumberSortKey:
    """sphinx-gallery ``within_subsection_order`` key: ``plot_N_*.py`` by N."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        match = re.match(r"plot_(\d+)_", name)
        return (int(match.group(1)) if match else 10**6, name)
