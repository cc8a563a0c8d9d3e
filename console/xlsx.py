"""A one-sheet XLSX workbook written with the standard library (Office Open XML, SpreadsheetML:
a zip of a few XML parts; text as inline strings, numbers as numbers), so that the campaign
report opens in a spreadsheet without a dependency or a download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: str) -> str:
    try:
        number = Decimal(value)
        if number.is_finite() and value.strip() == value and value[:1] not in ("+", "="):
            return f'<c r="{ref}"><v>{number}</v></c>'
    except (InvalidOperation, ValueError):
        pass
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def workbook(sheet: str, rows: Sequence[Sequence[str]]) -> bytes:
    """The bytes of an .xlsx file with one sheet named ``sheet`` holding ``rows``."""
    body = "".join(
        f'<row r="{i}">' + "".join(_cell(f"{_column(j)}{i}", str(v))
                                   for j, v in enumerate(row, start=1)) + "</row>"
        for i, row in enumerate(rows, start=1))
    parts = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
                            f'<sheet name="{escape(sheet[:31])}" sheetId="1" r:id="rId1"/>'
                            "</sheets></workbook>"),
        "xl/worksheets/sheet1.xml": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                     f'<worksheet xmlns="{MAIN}"><sheetData>{body}'
                                     "</sheetData></worksheet>"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()
