"""The bench reads what its counted runs print: cachegrind's summary, and the picklist script's item count."""

from __future__ import annotations

import pytest

from bench.__main__ import _items, cachegrind_counts

SUMMARY = """\
==24345== I   refs:      88,127,076
==24345== I1  misses:       877,897
==24345== LLi misses:        12,718
==24345== I1  miss rate:       1.00%
==24345== LLi miss rate:       0.01%
==24345==
==24345== D   refs:      37,472,675  (25,239,515 rd   + 12,233,160 wr)
==24345== D1  misses:     1,424,160  ( 1,292,380 rd   +    131,780 wr)
==24345== LLd misses:        88,676  (    29,610 rd   +     59,066 wr)
==24345== D1  miss rate:        3.8% (       5.1%     +        1.1%  )
==24345==
==24345== LL refs:        2,302,057  ( 2,170,277 rd   +    131,780 wr)
==24345== LL misses:        101,394  (    42,328 rd   +     59,066 wr)
"""


def test_each_count_is_read_from_its_own_line() -> None:
    assert cachegrind_counts(SUMMARY) == {
        "instructions": 88_127_076,
        "I1": 877_897,
        "D1": 1_424_160,
        "LL": 101_394,  # the combined last-level line, not LLi's or LLd's
    }


def test_a_summary_without_cache_simulation_is_refused() -> None:
    without_misses = "\n".join(line for line in SUMMARY.splitlines() if "misses" not in line)
    with pytest.raises(RuntimeError, match="no count of I1"):
        cachegrind_counts(without_misses)


def test_the_picklist_count_reads_the_item_count_its_script_prints() -> None:
    assert _items("some warning\nitems 100004\n") == 100_004


def test_a_picklist_count_without_its_item_count_is_refused() -> None:
    with pytest.raises(RuntimeError, match="no item count"):
        _items("items: none\n")
