"""The organisation: procuratorates and their staff, drawn from the seed alone.

Every unit has the same internal shape (a simplification of the 2019 reform's 检察部 layout):
院领导 (chief and deputy chiefs), 第一检察部 (ordinary crime: arrest and prosecution review),
第二检察部 (economic and major crime, criminal litigation supervision), 第三检察部 (civil and
administrative supervision), 第四检察部 (public interest), 第五检察部 (complaints), 案件管理部
(case officers) and 检务督察部 (inspectors). Basic units have 15–40 quota prosecutors by workload,
municipal units more.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jianguan.synth.geo import Place, places
from jianguan.synth.names import full_name

LEADERS = "院领导"
DEPT1 = "第一检察部"
DEPT2 = "第二检察部"
DEPT3 = "第三检察部"
DEPT4 = "第四检察部"
DEPT5 = "第五检察部"
CASE_MGMT = "案件管理部"
INSPECTION = "检务督察部"
CASE_DEPTS = (DEPT1, DEPT2, DEPT3, DEPT4, DEPT5)
_DEPT_SHARE = (0.40, 0.22, 0.14, 0.12, 0.12)


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One line of people.csv."""

    id: str
    name: str
    unit: str
    department: str
    role: str
    in_quota: bool
    senior: bool


@dataclass(slots=True)
class DeptStaff:
    head: str
    prosecutors: list[str] = field(default_factory=list)  # quota prosecutors other than the head
    seniors: list[str] = field(default_factory=list)  # senior prosecutors among them


@dataclass(slots=True)
class UnitStaff:
    place: Place
    chief: str = ""
    deputies: list[str] = field(default_factory=list)
    depts: dict[str, DeptStaff] = field(default_factory=dict)
    case_officers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Org:
    units: list[UnitStaff]
    people: list[PersonRow]
    names: dict[str, str]

    by_code: dict[str, int] = field(default_factory=dict)
    children: dict[str, list[Place]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {u.place.code: i for i, u in enumerate(self.units)}
        for u in self.units:
            self.children.setdefault(u.place.parent, []).append(u.place)

    def parent(self, place: Place) -> Place:
        return self.units[self.by_code[place.parent]].place if place.parent else place

    def unit_index(self, code: str) -> int:
        return self.by_code[code]


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:org")
        self.people: list[PersonRow] = []
        self.names: dict[str, str] = {}

    def add(self, unit: str, dept: str, role: str, *, quota: bool, senior: bool) -> str:
        pid = f"P{len(self.people) + 1:06d}"
        name = full_name(self.rng, self.rng.random() < 0.55)
        self.people.append(PersonRow(pid, name, unit, dept, role, quota, senior))
        self.names[pid] = name
        return pid

    def unit(self, place: Place, quota: int) -> UnitStaff:
        rng, code = self.rng, place.code
        staff = UnitStaff(place)
        staff.chief = self.add(code, LEADERS, "chief", quota=True, senior=True)
        for _ in range(2 + (rng.random() < 0.5)):
            staff.deputies.append(self.add(code, LEADERS, "deputy_chief", quota=True, senior=True))
        for dept, n in zip(CASE_DEPTS, _split(quota), strict=True):
            staff.depts[dept] = self.department(code, dept, n)
        head = self.add(code, CASE_MGMT, "department_head", quota=rng.random() < 0.5, senior=False)
        staff.depts[CASE_MGMT] = DeptStaff(head)
        for _ in range(2 + quota // 10):
            staff.case_officers.append(
                self.add(code, CASE_MGMT, "case_officer", quota=False, senior=False)
            )
        self.add(code, INSPECTION, "department_head", quota=False, senior=False)
        for _ in range(1 + (rng.random() < 0.5)):
            self.add(code, INSPECTION, "inspector", quota=False, senior=False)
        return staff

    def department(self, code: str, dept: str, n: int) -> DeptStaff:
        rng = self.rng
        staff = DeptStaff(
            self.add(code, dept, "department_head", quota=True, senior=rng.random() < 0.5)
        )
        for i in range(n):
            senior = i == 0 or rng.random() < 0.22
            pid = self.add(code, dept, "prosecutor", quota=True, senior=senior)
            staff.prosecutors.append(pid)
            if senior:
                staff.seniors.append(pid)
        for _ in range(max(1, round(0.7 * n))):
            self.add(code, dept, "assistant", quota=False, senior=False)
        for _ in range(max(1, round(0.4 * n))):
            self.add(code, dept, "clerk", quota=False, senior=False)
        return staff


def _split(quota: int) -> list[int]:
    """Quota prosecutors (other than department heads) per case department, summing to quota."""
    counts = [max(2, int(share * quota)) for share in _DEPT_SHARE]
    counts[0] += quota - sum(counts)
    return counts


def _quota(place: Place, all_places: tuple[Place, ...]) -> int:
    if place.level == "provincial":
        return 80
    if place.level == "municipal":
        load = sum(p.weight for p in all_places if p.parent == place.code)
        return max(45, min(80, round(40 + 0.8 * load)))
    return max(15, min(40, round(12 + 3.2 * place.weight)))


def build_org(seed: int) -> Org:
    """Units and staff, deterministic in ``seed`` and independent of the number of cases."""
    builder = _Builder(seed)
    all_places = places()
    units = [builder.unit(p, _quota(p, all_places)) for p in all_places]
    return Org(units, builder.people, builder.names)
