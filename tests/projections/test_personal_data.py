"""Personal data at rest: after a full run (cases filed, driven, snapshotted, terminated and
resumed; read models built and exported) no file the engine wrote holds a debtor's ID number or
a company's credit code in any encoding; auditors see them masked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.models import AssetFinding
from domain.private import loose
from domain.rules import AssetKind
from projections.auditor import export_all
from projections.masking import mask_number, mask_parties, normalise_number, scrub_text
from projections.pii_scan import encodings, main, scan_file, scan_paths
from projections.read_store import SQLiteReadModelStore
from projections.registers import asset_register
from projections.runner import ReadModelRunner
from projections.timeline import timeline
from tests.domain.test_full_history import long_case
from tests.projections.dockets import Script, terminated
from tests.support import COMPANY, DEBTOR, KEY, NUMBER

ID = DEBTOR.document.number  # 620402198001010013
CREDIT_CODE = COMPANY.document.number  # 91350100M000100Y43
CARD = "6222021234567890128"
TERMINATED, RESUMED = "(2026)甘0402执601号", "(2026)甘0402执恢602号"
COMPANY_CASE = "(2026)甘0402执603号"


def full_run(data: Path) -> None:
    """Every store the engine writes without Temporal, in one data directory."""
    app = EnforcementCases.sqlite(data / "events.sqlite", chain_key=KEY)
    long_case(app)  # the debtor's case: 232 events, snapshots at v100 and v200
    terminated(app, TERMINATED).resume(RESUMED)  # the resumed case copies the parties
    company = Script(app, COMPANY_CASE, respondents=(COMPANY,)).notice()
    on = company.at()
    company.send("SubmitLead", on, lead_id="L1", submitted_on=on,
                 description=f"被执行人身份证 {ID}，统一社会信用代码 {CREDIT_CODE}")
    finding = AssetFinding(asset_id="D1", kind=AssetKind.DEPOSIT, value=5000,
                           description=f"银行卡 {CARD} 存款")
    company.inquire(findings=(finding,))
    store = SQLiteReadModelStore(data / "views.sqlite")
    ReadModelRunner(app, store).catch_up()
    export_all(store, data / "exports")
    export_all(store, data / "exports", "json")
    store.close()
    app.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data")
    full_run(path)
    return path


def test_no_file_the_engine_wrote_holds_an_id_number_or_credit_code(data: Path) -> None:
    written = sorted(p.name for p in data.rglob("*") if p.is_file())
    assert {"events.sqlite", "views.sqlite", "timeline.csv", "timeline.json", "assets.csv",
            "events.cipherkey"} <= set(written)
    assert scan_paths([data], [ID, CREDIT_CODE, CARD]) == []


def test_every_file_of_the_run_is_private(data: Path) -> None:
    """Event store, read models and exports 0600, directories 0700, though this process's
    umask (022 in the tests) would share them."""
    assert {"events.sqlite", "views.sqlite", "timeline.json", "events.cipherkey"} <= {
        p.name for p in data.rglob("*")}
    assert loose(data) == []


def test_the_scan_finds_a_number_in_each_encoding(tmp_path: Path) -> None:
    for name, form in encodings(ID).items():
        (tmp_path / f"{name}.bin").write_bytes(b"\x00prefix" + form + b"suffix")
    (tmp_path / "events.cipherkey").write_text(ID)  # key files are not data
    hits = scan_paths([tmp_path], [ID])
    assert {(h.path.name, h.offset) for h in hits if h.path.stem == h.encoding} == {
        (f"{name}.bin", 7) for name in encodings(ID)}
    assert {h.path.name for h in hits} == {f"{name}.bin" for name in encodings(ID)}
    assert main(["--secret", ID, str(tmp_path)]) == 1
    assert main(["--secret", "no-such-secret", str(tmp_path)]) == 0


def test_auditors_see_documents_masked(data: Path) -> None:
    store = SQLiteReadModelStore(data / "views.sqlite")
    try:
        filed = timeline(store, case_number=NUMBER, kinds=["CaseFiled"])[0]
        assert filed.details["respondents"][0]["document"] == {
            "type": "resident_id", "number": "620402********0013"}
        assert filed.details["respondents"][0]["name"] == "李四"
        resumed = timeline(store, case_number=RESUMED, kinds=["CaseFiled"])[0]
        assert resumed.details["respondents"][0]["document"]["number"] == "620402********0013"
        company = timeline(store, case_number=COMPANY_CASE, kinds=["CaseFiled", "LeadSubmitted"])
        assert company[0].details["respondents"][0]["document"]["number"] == \
            "913501********0Y43"
        assert company[1].details["description"] == \
            "被执行人身份证 620402********0013，统一社会信用代码 913501********0Y43"
        assets = asset_register(store, under_control_only=False)
        assert [a.description for a in assets] == ["银行卡 622202*********0128 存款"]
    finally:
        store.close()


@pytest.mark.parametrize(("number", "masked"), [
    ("620402198001010013", "620402********0013"),
    ("11010519491231002X", "110105********002X"),
    ("110105491231002", "110105*****1002"),
    ("91350100M000100Y43", "913501********0Y43"),
    ("E12345678", "E1*****78"),
    ("AB123", "*****"),
])
def test_mask_keeps_six_and_four_characters(number: str, masked: str) -> None:
    assert mask_number(number) == masked


@pytest.mark.parametrize(("text", "scrubbed"), [
    ("身份证620402198001010013号", "身份证620402********0013号"),
    ("card 6222021234567890128.", "card 622202*********0128."),
    ("code 91350100M000100Y43", "code 913501********0Y43"),
    ("code 91350100M000100Y44", "code 91350100M000100Y44"),  # fails its check character
    ("(2026)甘0402执123号 2026-04-01 ¥1000000.00 lead L123456", None),
    ("uuid 0a1b2c3d-4e5f-6789-0123-456789012345 chain 1234567890123456789abc", None),
    ("ID 620402 19800101 0013.", "ID 620402********0013."),
    ("身份证号：620402-19800101-0013", "身份证号：620402********0013"),
    ("620402 1980 0101 0013 and 620402－1980－0101－0013",
     "620402********0013 and 620402********0013"),
    ("全角６２０４０２１９８００１０１００１３号", "全角620402********0013号"),
    ("lower 11010519491231002x, full-width １１０１０５ １９４９１２３１ ００２ｘ",
     "lower 110105********002X, full-width 110105********002X"),
    ("card 6222 0212 3456 7890 128", "card 622202*********0128"),
    ("code ９１３５０１００Ｍ０００１００Ｙ４３", "code 913501********0Y43"),
    ("dates 2026-04-01 2026-05-01, case (2026)甘0402执123号, ¥1 000 000.00", None),
    ("1234 620402 19800101 0013 5678 620402-19800101-0013 9",  # IDs before cards
     "1234 620402********0013 5678 620402********0013 9"),
    ("1 62040219800101001X, 620402198001010013 1", "1 620402********001X, 620402********0013 1"),
])
def test_free_text_loses_identity_and_card_numbers_only(text: str, scrubbed: str | None) -> None:
    assert scrub_text(text) == (scrubbed or text)


def test_events_without_parties_are_left_as_they_are() -> None:
    data = {"amount": "100.00", "received_on": date(2026, 4, 1).isoformat()}
    assert mask_parties(data) is data


@pytest.mark.parametrize("written", [
    "620402198001010013", "620402 19800101 0013", "620402-19800101-0013", "620402 - 19800101",
    "６２０４０２１９８００１０１００１３", " 620402\u300019800101\u30000013 "])
def test_numbers_are_normalised_before_they_are_judged(written: str) -> None:
    assert normalise_number(written).startswith("62040219800101")
    assert normalise_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@pytest.mark.parametrize("written", [
    "620402 19800101 0013", "620402-19800101-0013", "6204 0219 8001 0100 13",
    "６２０４０２１９８００１０１００１３", "６２０４０２ １９８００１０１ ００１３",
    "620402－19800101－0013", "620402 - 1980 0101 - 0013"])
def test_the_scan_finds_a_number_written_by_hand(tmp_path: Path, written: str) -> None:
    (tmp_path / "notes.txt").write_text(f"债务人 {written} 住址", "utf-8")
    [hit] = scan_paths([tmp_path], [ID])
    assert hit.offset == len("债务人 ".encode())
    (tmp_path / "notes.txt").write_text(f"债务人 {scrub_text(written)} 住址", "utf-8")
    assert scan_paths([tmp_path], [ID]) == []


def test_the_scan_finds_full_width_and_lowercase_forms_in_utf16(tmp_path: Path) -> None:
    old = "11010519491231002X"
    path = tmp_path / "dump.bin"
    path.write_bytes("１１０１０５１９４９１２３１００２Ｘ".encode("utf-16-le") + b"|"
                     + old.lower().encode() + b"|" + b"0" * 3_000_000)
    assert [h.encoding for h in scan_file(path, [old])] == ["full-width utf-16-le", "lowercase"]
    assert {"spaced", "hyphenated", "full-width", "lowercase"} <= set(encodings(old))


def test_a_spaced_number_across_the_scan_window_is_found(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    spaced = "６２０４０２ １９８００１０１ ００１３".encode()
    at = (1 << 20) - 20  # across the first read's end
    path.write_bytes(b"x" * at + spaced + b"x" * 100)
    assert [(h.encoding, h.offset) for h in scan_file(path, [ID])] == [("separated", at)]
