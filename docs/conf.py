"""Sphinx configuration for the skorchlite documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (warnings are
errors); the gallery examples in ``examples/`` run during the build.
"""

import os
import sys
import warnings

import skorchlite

sys.path.insert(0, os.path.dirname(__file__))  # _gallery_order
os.environ.setdefault("MPLBACKEND", "Agg")
# The gallery fits small networks with few iterations on purpose.
warnings.filterwarnings("ignore", category=UserWarning,
                        message="Matplotlib is currently using agg")

project = "skorchlite"
author = "The skorchlite developers"
copyright = "2026, The skorchlite developers"
release = version = skorchlite.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"skorchlite {version}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}

intersphinx_mapping = {}  # no network in CI: cross-references stay local

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "_gallery_order.ExampleNumberSortKey",
    "reset_modules": ("matplotlib",),
    "only_warn_on_example_error": False,
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skorchlite",),
    # animations built in an example (TrainingAnimation) are embedded as
    # JavaScript players
    "matplotlib_animations": (True, "jshtml"),
}

exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.md5"]
templates_path = ["_templates"]
