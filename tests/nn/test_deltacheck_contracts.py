"""How the δ check's parts meet: typed keys, a diagnosis that returns its findings, a cache the caller holds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nn.deltacheck import FiniteDifferenceCache, Key, Kind, check_deltas, oracles, random_case
from nn.deltacheck import check as check_module


def test_a_key_is_a_kind_and_a_layer_and_a_plain_name_is_checked():
    assert Key("delta", 2) == Key(Kind.DELTA, 2) and hash(Key("delta", 2)) == hash(Key(Kind.DELTA, 2))
    assert Key("weight", 1).kind is Kind.WEIGHT and Kind.BIAS == "bias"
    assert [Key(kind, 3).symbol for kind in Kind] == ["δ^(3)", "∂L/∂W^(3)", "∂L/∂b^(3)"]
    with pytest.raises(ValueError, match="the kinds are delta, weight, bias"):
        Key("gamma", 1)


def test_a_report_is_addressed_by_key_and_serialises_kinds_as_plain_strings():
    model, X, Y = random_case([2, 3, 2], bias=True, seed=0)
    report = check_deltas(model, X, Y)
    assert [q.key for q in report.quantities] == [Key(kind, layer) for layer in (2, 1) for kind in Kind]
    assert report.quantity(Kind.WEIGHT, 1) is report.quantity("weight", 1)
    kinds = [q["kind"] for q in json.loads(report.to_json())["quantities"]]
    assert kinds == ["delta", "weight", "bias"] * 2
    assert all(type(q["kind"]) is str for q in report.to_dict()["quantities"])
    with pytest.raises(KeyError, match="no 'gamma' quantity for layer 1"):
        report.quantity("gamma", 1)


def test_diagnose_returns_its_findings_and_leaves_the_quantities_alone(monkeypatch):
    seen = {}

    def watched(quantities, ctx):
        before = [(q.diagnosis, q.inherited) for q in quantities]
        found = real(quantities, ctx)
        seen["unchanged"] = before == [(q.diagnosis, q.inherited) for q in quantities]
        seen["findings"] = found.findings
        return found

    real = check_module.diagnose
    monkeypatch.setattr(check_module, "diagnose", watched)
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="missing-factor-2")
    assert seen["unchanged"], "diagnose changed the quantities it was given"
    own = report.quantity("delta", 3)
    assert seen["findings"][own.key].diagnosis == own.diagnosis and not own.inherited
    assert all(report.quantity(k.kind, k.layer).inherited for k, f in seen["findings"].items() if f.inherited)
    assert {q.key for q in report.quantities if not q.passed} == set(seen["findings"])


def test_the_finite_difference_cache_is_the_callers_and_reused_only_for_the_same_network(monkeypatch):
    calls = []
    real = oracles.finite_differences
    monkeypatch.setattr(oracles, "finite_differences", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(check_module, "finite_differences", oracles.finite_differences)
    model, X, Y = random_case([2, 3, 2], seed=3)
    cache = FiniteDifferenceCache()
    first = check_deltas(model, X, Y, rules="correct", fd_cache=cache)
    second = check_deltas(model, X, Y, rules="notes-as-written", fd_cache=cache)
    assert (cache.misses, cache.hits, len(calls)) == (1, 1, 1)
    for a, b in zip(first.quantities, second.quantities, strict=True):
        assert (a.finite_difference is None) == (b.finite_difference is None)
        if a.finite_difference is not None:
            np.testing.assert_array_equal(a.finite_difference, b.finite_difference)
    model.parameters()[0].data += 0.25  # a changed weight is another network: computed again
    check_deltas(model, X, Y, fd_cache=cache)
    assert (cache.misses, len(calls)) == (2, 2)
    check_deltas(model, X, Y)  # no cache: nothing kept anywhere, computed afresh
    check_deltas(model, X, Y)
    assert len(calls) == 4 and cache.misses == 2
