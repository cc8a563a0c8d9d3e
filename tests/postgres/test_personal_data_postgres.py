"""Personal data at rest on PostgreSQL: after cases are driven (a long one with snapshots, a
company's with an ID number and a credit code typed into a lead) and the read models are built
in PostgreSQL, a plain ``pg_dump`` of the event and read-model schemas holds neither number in
any encoding (bytea columns are dumped as hex: the scan looks for that too)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from domain.event_store_config import PostgresSettings
from projections.pii_scan import scan_paths
from projections.runner import ReadModelRunner
from tests.domain.test_full_history import long_case
from tests.postgres.conftest import Backend
from tests.projections.dockets import Script
from tests.support import COMPANY, DEBTOR

ID = DEBTOR.document.number
CREDIT_CODE = COMPANY.document.number


def pg_dump(settings: PostgresSettings, schemas: list[str], out: Path) -> None:
    """A plain-format dump of ``schemas`` (what an operator would back up or hand over)."""
    tool = shutil.which("pg_dump")
    if tool is None:
        pytest.skip("pg_dump is not installed")
    args = [tool, "--format=plain", "--no-owner", "-h", settings.host, "-p", str(settings.port),
            "-U", settings.user, "-d", settings.dbname, "-f", str(out)]
    for schema in schemas:
        args += ["-n", schema]
    subprocess.run(args, check=True, timeout=120,
                   env={**os.environ, "PGPASSWORD": settings.password})


def test_a_dump_of_the_postgresql_stores_holds_no_id_number(postgres: PostgresSettings,
                                                            tmp_path: Path) -> None:
    stores = Backend("postgres", tmp_path, postgres)
    try:
        app = stores.cases()
        long_case(app)  # the debtor's case: 232 events, snapshots at v100 and v200
        company = Script(app, "(2026)甘0402执801号", respondents=(COMPANY,)).notice()
        on = company.at()
        company.send("SubmitLead", on, lead_id="L1", submitted_on=on,
                     description=f"被执行人身份证 {ID}，统一社会信用代码 {CREDIT_CODE}")
        views = stores.read_store()
        ReadModelRunner(app, views).catch_up()
        assert stores.events is not None and stores.views is not None
        dump = tmp_path / "dump.sql"
        pg_dump(postgres, [stores.events.schema, stores.views.schema], dump)
        text = dump.read_bytes()
        assert b"COPY" in text and b"620402********0013" in text  # the rows are in the dump
        assert scan_paths([dump], [ID, CREDIT_CODE]) == []
    finally:
        stores.close()
