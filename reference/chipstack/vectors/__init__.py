"""Test-vector machinery: suites, generation, checking, coverage, the external-impl protocol.

Spec: ``spec/05-vectors.md``. A *suite* is one JSON file under ``vectors/<area>/``
plus its JSON Schema; each area module exposes its suites and the registry
(:mod:`chipstack.vectors.registry`) lists them all.
"""
