"""The generic loader: a further plan from a CSV of its actions."""

from __future__ import annotations

from datetime import date

import pytest

from loaders import LoaderError, OwnerRegistry, load_plan

PLAN = {"plan_id": "NZ", "title": "Test plan", "publisher": "Test", "jurisdiction": "New Zealand",
        "published": "2025-03", "file": "nz.csv", "loader": "csv"}

GOOD = (b"\xef\xbb\xbfaction_id,section,text,lead_owner,other_owners,due_date,timing_text\n"
        b"NZ-1,Skills,\"Publish a skills plan, with unions.\",Ministry of Education,MBIE; Treasury,2026-06-30,by mid-2026\n"
        b",Compute,Build a national compute facility.,,,,\n"
        b"NZ-3,Safety,Review the law \"as needed\".,Ministry of Justice,,,\n")


def load(tmp_path, data: bytes):
    (tmp_path / "nz.csv").write_bytes(data)
    return load_plan(PLAN, tmp_path, OwnerRegistry.load())


def test_good_file(tmp_path):
    plan = load(tmp_path, GOOD)
    a = {x.action_id: x for x in plan.actions}
    assert list(a) == ["NZ-1", "NZ-0003", "NZ-3"]
    assert a["NZ-1"].due_date == date(2026, 6, 30) and a["NZ-1"].deadline_kind == "dated"
    assert a["NZ-1"].timing_text == "by mid-2026"
    assert a["NZ-1"].lead_owner_id == "new-zealand-ministry-of-education"
    assert a["NZ-1"].other_owner_ids == ["new-zealand-mbie", "new-zealand-treasury"]
    assert a["NZ-0003"].lead_owner_id is None and a["NZ-0003"].due_date is None
    assert a["NZ-0003"].deadline_kind == "open-ended"
    assert a["NZ-3"].text == 'Review the law "as needed".'


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"text,owner\nDo it.,Me\n", "line 1, column 'owner': unknown column"),
    (b"action_id,section\nA,B\n", "column 'text': the required column is missing"),
    (b"text,text\na,b\n", "column 'text': column appears twice"),
    (b"text,due_date\nDo it.,31/12/2026\n", "line 2, column 'due_date': due_date must be YYYY-MM-DD (value '31/12/2026')"),
    (b"text,due_date\nDo it.,2026-02-30\n", "line 2, column 'due_date'"),
    (b"action_id,text\nA-1,One.\nA-1,Two.\n", "line 3, column 'action_id': action_id repeats an earlier row (value 'A-1')"),
    (b"action_id,text\nA 1,One.\n", "column 'action_id': action_id may use letters"),
    (b"text,deadline_kind\nDo it.,soon\n", "column 'deadline_kind': deadline_kind must be one of"),
    (b"text,due_date,deadline_kind\nDo it.,2026-01-01,recurring\n", "a due date needs deadline_kind 'dated'"),
    (b"text\nDo it.,extra\n", "line 2: row has 2 fields, the header has 1"),
    (b"text,section\n,Skills\n", "line 2, column 'text': text is empty"),
    (b"text\n", "a header but no actions"),
    ("text\nCaf\u00e9 plan.\n".encode("cp1252"), "not UTF-8"),
])
def test_bad_files(tmp_path, data, message):
    with pytest.raises(LoaderError) as err:
        load(tmp_path, data)
    assert "nz.csv" in str(err.value)
    assert message in str(err.value)
