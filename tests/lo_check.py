"""Open a macro workbook in headless LibreOffice and report what it imported, as JSON.

Run by a Python that has LibreOffice's `uno` module (the system /usr/bin/python3 with
python3-uno), not by the project's interpreter:

    /usr/bin/python3 tests/lo_check.py PMO.xlsm [MORE.xlsm ...] [--timeout 120]

Prints one JSON object keyed by the paths given (one LibreOffice start for all), each value:
whether the document is in VBA compatibility mode, the modules of the
`VBAProject` Basic library (with the text LibreOffice imported), and for every form control on every sheet
its label and the script its "execute" event is bound to (`[]` when the target macro does not
exist: LibreOffice drops bindings it cannot resolve). Recipe: research/xlwings-on-linux.md,
appendix D. Standard library and uno only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

# Never run the workbook's macros (Workbook_Open): we inspect, we do not execute.
NEVER_EXECUTE = 0


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _connect(pipe: str, deadline: float) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise TimeoutError("LibreOffice did not start in time") from None
            time.sleep(0.25)


def inspect(doc: object) -> dict[str, object]:
    libraries = doc.BasicLibraries
    result: dict[str, object] = {
        "vba_mode": bool(libraries.VBACompatibilityMode),
        "modules": {},
        "buttons": [],
    }
    if libraries.hasByName("VBAProject"):
        libraries.loadLibrary("VBAProject")
        library = libraries.getByName("VBAProject")
        result["modules"] = {name: library.getByName(name) for name in library.getElementNames()}
    for sheet_index in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(sheet_index)
        page = sheet.DrawPage
        for shape_index in range(page.Count):
            shape = page.getByIndex(shape_index)
            if not shape.supportsService("com.sun.star.drawing.ControlShape"):
                continue
            control = shape.Control
            form = control.Parent
            position = next(i for i in range(form.Count) if form.getByIndex(i) == control)
            events = [
                {
                    "listener": e.ListenerType,
                    "method": e.EventMethod,
                    "script_type": e.ScriptType,
                    "script": e.ScriptCode,
                }
                for e in form.getScriptEvents(position)
            ]
            label = getattr(control, "Label", "") if hasattr(control, "Label") else ""
            result["buttons"].append(
                {"sheet": sheet.Name, "name": control.Name, "label": label, "events": events}
            )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workbooks", nargs="+")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    pipe = f"pmo_lo_{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="pmo-lo-") as profile:
        process = subprocess.Popen(
            [args.soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation={Path(profile).as_uri()}", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        doc = None
        desktop = None
        try:
            context = _connect(pipe, deadline)
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            options = (
                _prop("Hidden", True),
                _prop("MacroExecutionMode", NEVER_EXECUTE),
                _prop("ReadOnly", True),
            )
            report: dict[str, object] = {}
            for workbook in args.workbooks:
                url = Path(os.path.abspath(workbook)).as_uri()
                doc = desktop.loadComponentFromURL(url, "_blank", 0, options)
                if doc is None:
                    report[workbook] = {"error": "LibreOffice could not load the file"}
                    continue
                report[workbook] = inspect(doc)
                doc.close(True)
                doc = None
            print(json.dumps(report))
            return 0
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:
                    pass
            try:
                if desktop is not None:
                    desktop.terminate()
            except Exception:
                pass  # the bridge goes away as soffice exits
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
