"""The 'did you mean' hint for an unknown ID asks difflib only about the known IDs that can pass its first
test (`checks.references._closest`): the answer is difflib's own, asked about every known ID."""

from __future__ import annotations

import difflib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.checks.references import HINT_CUTOFF, _closest

# Short words over a small alphabet, so that near matches, ties and exact cutoffs are common
WORDS = st.text(alphabet="prj-01ßİ x", max_size=9)


@settings(max_examples=500, deadline=None)
@given(WORDS, st.lists(WORDS, max_size=30, unique=True))
def test_the_closest_known_id_is_difflibs(word, keys):
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    assert _closest(word, keys, lengths) == difflib.get_close_matches(word, keys, n=1, cutoff=HINT_CUTOFF)


def _edited(word: str, edits: list[tuple[int, int, str]]) -> str:
    """`word` with a few characters deleted (0), replaced (1) or inserted (2): a typo of it."""
    for kind, at, char in edits:
        at = at % (len(word) + 1)
        word = word[:at] + word[at + 1:] if kind == 0 else word[:at] + char + word[at + 1:] if kind == 1 else word[:at] + char + word[at:]
    return word


EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20), st.sampled_from("prj-01ßx")), max_size=3)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="prj-01ßİ x", min_size=4, max_size=14), st.lists(EDITS, max_size=25))
def test_the_closest_of_many_typos_is_difflibs(word, typos):
    """Keys a typo or three away from the word: ratios all around the cutoff."""
    keys = list(dict.fromkeys(_edited(word, edits) for edits in typos))
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    assert _closest(word, keys, lengths) == difflib.get_close_matches(word, keys, n=1, cutoff=HINT_CUTOFF)


def test_a_typo_of_a_project_id_is_found_among_a_thousand():
    keys = [f"prj-{k:04d}" for k in range(1, 1001)]
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    for word in ("prj-0O17", "prj-00017", "pr-0017", "prj-017", "xyz", "prj-1000"):
        assert _closest(word, keys, lengths) == difflib.get_close_matches(word, keys, n=1, cutoff=HINT_CUTOFF)
    assert _closest("prj-00017", keys, lengths) == ["prj-0017"]
