"""The campaign report's XLSX: a zip of well-formed SpreadsheetML parts, numbers as numbers,
text (and anything that could start a formula) as inline strings."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from console.xlsx import _column, workbook

NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def test_a_workbook_holds_its_rows_as_numbers_and_inline_strings() -> None:
    data = workbook("专项活动报告", [("指标", "数值"), ("罚款金额", "35000.00"),
                                      ("执行到位率", "66.9%"), ("x", "=1+1"), ("<&>", "+5")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} == names
        parts = {n: ElementTree.fromstring(archive.read(n)) for n in names}
    cells = {c.get("r"): c for c in parts["xl/worksheets/sheet1.xml"].iterfind(".//s:c", NS)}
    assert cells["B2"].find("s:v", NS).text == "35000.00"  # type: ignore[union-attr]
    assert cells["B3"].get("t") == "inlineStr"  # 66.9% is text
    assert cells["B4"].get("t") == "inlineStr" and cells["B5"].get("t") == "inlineStr"
    assert cells["A5"].find("s:is/s:t", NS).text == "<&>"  # type: ignore[union-attr]
    sheet = parts["xl/workbook.xml"].find(".//s:sheet", NS)
    assert sheet is not None and sheet.get("name") == "专项活动报告"


def test_columns_are_lettered() -> None:
    assert [_column(n) for n in (1, 26, 27, 52, 53)] == ["A", "Z", "AA", "AZ", "BA"]
