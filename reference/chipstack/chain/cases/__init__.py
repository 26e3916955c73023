"""Case builders of the chain vector suites, one module per suite (:mod:`chipstack.chain.vectors`).

Each builder returns a list of :class:`~chipstack.vectors.model.Case`, made by
running the reference on a stated input; ``expect`` guards the intent of every
case (valid or invalid) so that a silent change in the reference is caught.
"""
