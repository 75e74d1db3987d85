"""Small, hand-built format v1 data sets for tests (the generator makes the big ones)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

UNITS_CSV = """code,name,level,parent
440000,广东省人民检察院,provincial,
440300,深圳市人民检察院,municipal,440000
440304,深圳市福田区人民检察院,basic,440300
"""

PEOPLE_CSV = """id,name,unit,department,role,in_quota,senior
P0001,王建国,440304,检察长办公室,chief,true,true
P0011,陈敏,440304,第一检察部,department_head,true,true
P0012,李华,440304,第一检察部,prosecutor,true,false
P0013,张伟,440304,第一检察部,prosecutor,true,false
P0090,赵丽,440304,案件管理部,case_officer,false,false
"""


def example_case(**changes: Any) -> dict[str, Any]:
    """The spec's example case (case-records-v1.md), with top-level fields replaced."""
    record: dict[str, Any] = json.loads((FIXTURES / "example_case.json").read_text("utf-8"))
    record = copy.deepcopy(record)
    record.update(changes)
    return record


def numbered_case(n: int, **changes: Any) -> dict[str, Any]:
    return example_case(
        case_id=f"440304-2025-XSSC-{n:06d}", unified_no=f"440304-2025-{n:06d}", **changes
    )


def write_dataset(
    folder: Path,
    cases: list[dict[str, Any]] | None = None,
    *,
    units: str = UNITS_CSV,
    people: str = PEOPLE_CSV,
    case_lines: list[str] | None = None,
) -> Path:
    """Write units.csv, people.csv and cases.jsonl; `case_lines` (raw text) wins over `cases`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text(units, encoding="utf-8")
    (folder / "people.csv").write_text(people, encoding="utf-8")
    if case_lines is None:
        records = cases if cases is not None else [numbered_case(i) for i in range(1, 4)]
        case_lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / "cases.jsonl").write_text(
        "".join(f"{line}\n" for line in case_lines), encoding="utf-8"
    )
    return folder
