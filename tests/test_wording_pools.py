"""The fuzzer's pools of header wordings: the `unseen` half must stay
unknown to the vocabulary, or the fuzzer would no longer measure how the
reader does on wordings it was never told of."""

from __future__ import annotations

import pytest

from pipeline.labels import column_phrases
from pipeline.text import normalise_label
from tests.synth.wording import HALVES, pools, rewording

pytestmark = pytest.mark.fast


def test_the_halves_are_disjoint() -> None:
    for role, pool in pools().items():
        seen = {normalise_label(w) for w in pool["seen"]}
        unseen = {normalise_label(w) for w in pool["unseen"]}
        assert not seen & unseen, role


def test_no_unseen_wording_is_in_the_vocabulary() -> None:
    known = set(column_phrases())
    listed = [
        (role, w)
        for role, pool in pools().items()
        for w in pool["unseen"]
        if normalise_label(w) in known
    ]
    assert not listed


def test_a_document_words_each_header_from_one_half() -> None:
    for half in HALVES:
        chosen = rewording(half, seed=7)
        for pool in pools().values():
            words = {w.upper() for w in pool[half]} | set(pool[half])
            assert all(chosen[key] in words for key in pool["keys"])
