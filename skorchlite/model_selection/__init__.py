"""Model selection with many networks trained at once.

:class:`BatchedGridSearchCV` is scikit-learn's ``GridSearchCV`` for skorchlite
estimators, with every candidate x fold x restart that can share a batched
network trained in it.
"""

from ._search import BatchedGridSearchCV

__all__ = ["BatchedGridSearchCV"]
