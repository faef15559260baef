"""The VBA wrappers of the =PMO_ functions, generated with xlwings' real decorators on Linux."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import xlwings

from pmo_xl.excel.udf_wrappers import (
    UDF_CATEGORY,
    UDF_MODULE,
    UdfDefinitionError,
    argument_docs,
    check_udfs,
    description,
    function_help_module,
    load_udfs,
    plain_text,
    wrapper_module_text,
)
from pmo_xl.excel.vba_project import encode_module, standard_module


@pytest.fixture(scope="module")
def shipped() -> tuple[list, str]:
    return wrapper_module_text(UDF_MODULE)


def test_shipped_udfs_pass_the_checks(shipped: tuple[list, str]) -> None:
    infos, _ = shipped
    assert infos, "udfs.pmo_udfs exports no worksheet function"
    assert check_udfs(infos) == []
    for info in infos:
        assert info.name.startswith("PMO_")
        assert info.category == UDF_CATEGORY
        assert info.volatile is False
        assert "expand" not in info.ret_options


def test_shipped_wrappers_call_the_udf_module_for_each_function(shipped: tuple[list, str]) -> None:
    infos, text = shipped
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    for info in infos:
        assert f"Function {info.name}(" in text
        assert f'XLPy.CallUDF("{UDF_MODULE}", "{info.name}"' in text
    assert "Application.Volatile" not in text


def test_every_visible_argument_has_wizard_help(shipped: tuple[list, str]) -> None:
    infos, _ = shipped
    for info in infos:
        docs = argument_docs(info)
        assert len(docs) == len(info.visible_args)
        assert all(docs) and description(info.doc)


def test_generated_modules_fit_the_vba_code_page(shipped: tuple[list, str]) -> None:
    infos, text = shipped
    encode_module(standard_module("xlwings_udfs", text))
    encode_module(standard_module("PMOFunctionHelp", function_help_module(infos)))


def test_decorators_and_modules_are_restored_afterwards() -> None:
    import udfs.pmo_udfs as before

    no_op = xlwings.func
    load_udfs(UDF_MODULE)
    assert sys.modules["udfs.pmo_udfs"] is before  # the module others imported is untouched
    assert xlwings.func is no_op
    assert "pythoncom" not in sys.modules and "xlwings.udfs" not in sys.modules
    assert not hasattr(before, "__xlfunc__")


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, body: str) -> str:
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "funcs.py").write_text("import xlwings as xw\nimport pandas as pd\n\n" + textwrap.dedent(body))
    monkeypatch.syspath_prepend(str(tmp_path))
    return f"{name}.funcs"


GOOD = '''
@xw.func(category="PMO")
@xw.arg("register", pd.DataFrame, index=False, doc="The Projects table, header included")
@xw.ret(index=False)
def PMO_RANKED(register, weight=1.0, caller=None):
    """Projects ranked by score - "best" first.

    Args:
        register: ignored: the @xw.arg doc wins
        weight: Multiplier applied
            to every score.
    """
    return register
'''


def test_a_good_module_gives_wrappers_and_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _package(tmp_path, monkeypatch, "goodudfs", GOOD)
    infos, text = wrapper_module_text(module)
    assert "Function PMO_RANKED(register, Optional weight)" in text  # `caller` is filled in by xlwings
    assert "Array(register, weight, Nothing)" in text
    (info,) = infos
    assert argument_docs(info) == [
        "The Projects table, header included",
        "Multiplier applied to every score.",
    ]
    help_text = function_help_module(infos)
    assert 'Describe "PMO_RANKED", "Projects ranked by score - ""best"" first.", "PMO", a' in help_text
    assert "ThisWorkbook.Saved = wasSaved" in help_text and "#If Mac Then" in help_text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('@xw.func(category="PMO")\ndef PMO_K(a, *, b=1):\n    """Doc."""\n', "keyword arguments"),
        (
            '@xw.func(category="PMO")\ndef PMO_V(a=1, *rest):\n    """Doc."""\n',
            "optional and variable length",
        ),
        ('@xw.func(category="PMO", volatile=True)\ndef PMO_T():\n    """Doc."""\n', "volatile"),
        ('@xw.func\ndef PMO_C(a):\n    """Doc."""\n', "category is 'xlwings'"),
        (
            '@xw.func(category="PMO")\n@xw.ret(expand="table")\ndef PMO_E(a):\n    """Doc."""\n',
            "legacy array",
        ),
        ('@xw.func(category="PMO")\ndef PMO_D(a):\n    return a\n', "no docstring"),
        ('@xw.func(category=99)\ndef PMO_N(a):\n    """Doc."""\n', "14 build-in categories"),
    ],
    ids=[
        "kwargs-only",
        "varargs-with-defaults",
        "volatile",
        "default-category",
        "legacy-expand",
        "no-doc",
        "bad-category",
    ],
)
def test_declarations_excel_or_we_reject_fail_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    module = _package(tmp_path, monkeypatch, f"bad_{abs(hash(body))}", body)
    with pytest.raises(UdfDefinitionError, match=message):
        wrapper_module_text(module)
    assert "pythoncom" not in sys.modules  # stubs removed even when the import failed


def test_plain_text_is_a_safe_vba_literal() -> None:
    assert plain_text('Say "hi"') == 'Say ""hi""'
    assert plain_text("EAC = AC + (BAC − EV) → ≥ 1 × CPI") == "EAC = AC + (BAC - EV) -> >= 1 x CPI"
    assert plain_text("line one\n   line two") == "line one line two"
    assert len(plain_text("x" * 400)) == 255
    plain_text("漢字").encode("cp1252")  # unrepresentable characters become '?' rather than break the build
