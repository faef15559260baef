"""The cyclic collector paused for a stage, and a command's imports moved out of its reach."""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import pytest

from pmo_xl.gc_pause import imports_out_of_collection, without_cycle_collection


@pytest.fixture
def collector_state():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # the test process's objects back within the collector's reach
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_imports_are_made_paused_and_kept_out_of_collection(collector_state: None, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gc_probe_module.py").write_text("VALUES = [[n] for n in range(1000)]\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "gc_probe_module", raising=False)
    gc.enable()
    gc.unfreeze()
    with imports_out_of_collection():
        assert not gc.isenabled()
        importlib.import_module("gc_probe_module")
    assert gc.isenabled()  # the state it had
    assert gc.get_freeze_count() > 0  # what was made is frozen, not collected


def test_nothing_is_frozen_when_nothing_is_imported(collector_state: None) -> None:
    gc.unfreeze()
    with imports_out_of_collection():
        import pmo_xl.gc_pause  # noqa: F401 — already imported
    assert gc.get_freeze_count() == 0


def test_a_paused_collector_stays_paused(collector_state: None) -> None:
    gc.disable()
    with imports_out_of_collection():
        pass
    assert not gc.isenabled()

    @without_cycle_collection
    def stage() -> bool:
        return gc.isenabled()

    assert stage() is False and not gc.isenabled()
    gc.enable()
    assert stage() is False and gc.isenabled()


def test_the_state_is_restored_when_the_imports_fail(collector_state: None) -> None:
    gc.enable()
    with pytest.raises(ImportError), imports_out_of_collection():
        import pmo_xl_no_such_module  # noqa: F401
    assert gc.isenabled()
