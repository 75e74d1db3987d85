"""Generated supervision matters on the store: the planted defects are found (recall and precision
≥ 99 % over every finding), the ledger takes them, and each matter indicator equals a count made
here independently from the generated objects, drilling to exactly those leads or matters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianguan.bootstrap import App, matter_catalogue, matter_indicators
from jianguan.domain.supervision import (
    AWAITS_REPLY,
    LeadStatus,
    MatterDecision,
    ReplyOutcome,
    check_matter,
)
from jianguan.services import supervision as sv
from jianguan.services import supervision_indicators as si
from jianguan.services.monitoring import monitor_and_record
from jianguan.synth.matters import Generated, generate_matters
from tests.support import generate, imported, manifest_day

N = 600


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[App, Generated, dt.date]:
    folder = tmp_path_factory.mktemp("matters")
    generate(folder / "set", cases=300, seed=7)
    as_of = manifest_day(folder / "set")
    app = imported(folder / "set", f"sqlite:///{folder / 'store.db'}", as_of=as_of)
    with app.uow() as uow:
        units, people = uow.cases.units(), uow.cases.people()
    gen = generate_matters(units, people, rules=app.rules.supervision,
                           calendar=app.rules.calendar, matters=N, seed=3, as_of=as_of,
                           defect_rate=0.2)  # fmt: skip
    sv.load_generated(app.uow(), gen.leads, gen.matters, gen.meetings, "synth")
    return app, gen, as_of


def test_the_generator_is_reproducible(world: tuple[App, Generated, dt.date]) -> None:
    app, gen, as_of = world
    with app.uow() as uow:
        units, people = uow.cases.units(), uow.cases.people()
    again = generate_matters(units, people, rules=app.rules.supervision,
                             calendar=app.rules.calendar, matters=N, seed=3, as_of=as_of,
                             defect_rate=0.2)  # fmt: skip
    assert again == gen
    assert len(gen.matters) == N
    assert {t.kind for t in gen.truth} == {
        "supervision_reply_overdue",
        "supervision_decision_without_steps",
        "supervision_closed_open_follow_up",
        "meeting_record_missing",
    }


def test_planted_defects_are_found_with_recall_and_precision_of_99(
    world: tuple[App, Generated, dt.date],
) -> None:
    app, gen, as_of = world
    findings, _ = monitor_and_record(app.uow(), app.rules, as_of)
    ids = {m.matter_id for m in gen.matters}
    found = {(f.case_id, f.kind.value) for f in findings if f.case_id in ids}
    truth = {(t.matter_id, t.kind) for t in gen.truth}
    hit = len(found & truth)
    recall, precision = hit / len(truth), hit / max(1, len(found))
    assert recall >= 0.99, sorted(truth - found)[:5]
    assert precision >= 0.99, sorted(found - truth)[:5]
    with app.uow() as uow:
        ledger = {k for k in uow.ledger.entries() if k[0] in ids}
    assert {(mid, rule) for mid, rule in ledger} == {
        (f.case_id, f.rule) for f in findings if f.case_id in ids
    }


def test_retrial_recommendations_go_to_the_committee_and_a_joint_meeting_alone_is_found(
    world: tuple[App, Generated, dt.date],
) -> None:
    # 民事诉讼监督规则（2021）第87条: "人民检察院提出再审检察建议，应当经本院检察委员会决定": every
    # clean retrial recommendation has its committee meeting; a planted one has a joint meeting
    # only, and is found.
    app, gen, as_of = world
    planted = {t.matter_id for t in gen.truth if t.kind == "meeting_record_missing"}
    kinds: dict[str, set[str]] = {}
    for x in gen.meetings:
        kinds.setdefault(x.subject, set()).add(x.kind.value)
    retrials = [m for m in gen.matters if m.decision is MatterDecision.RETRIAL_RECOMMENDATION]
    clean = [m for m in retrials if m.matter_id not in planted]
    joint_only = [m for m in retrials if m.matter_id in planted]
    assert clean
    assert joint_only
    assert all(kinds.get(m.matter_id) == {"committee"} for m in clean)
    assert all(kinds.get(m.matter_id) == {"joint"} for m in joint_only)
    with app.uow() as uow:
        meetings = uow.supervision.meetings([m.matter_id for m in joint_only])
    for m in joint_only:
        found = check_matter(m, meetings.get(m.matter_id, []), app.rules.supervision,
                             app.rules.calendar, as_of)  # fmt: skip
        assert [f.kind.value for f in found] == ["meeting_record_missing"], m.matter_id


def _ind(iid: str) -> object:
    return next(i for i in matter_catalogue() if i.id == iid)


def test_indicators_equal_an_independent_count_and_drill_to_it(
    world: tuple[App, Generated, dt.date],
) -> None:
    app, gen, as_of = world
    with app.uow() as uow:
        units = uow.cases.units()
    source = matter_indicators(app)
    scope = si.scope_of(units, as_of)
    values = {
        (v.indicator, v.key): v
        for v in si.compute(source, matter_catalogue(), units, scope, by=("model",))
    }
    leads = [x for x in gen.leads if x.status is not LeadStatus.DUPLICATE]
    recs = [m for m in gen.matters if m.decision is MatterDecision.RECOMMENDATION]
    awaited = [m for m in gen.matters if m.decision in AWAITS_REPLY and m.reply_due is not None
               and (m.reply_due < as_of or m.reply_on is not None)]  # fmt: skip
    for model in sorted({x.model for x in leads}):
        key = (("model", model),)
        mine = [x for x in leads if x.model == model]
        assert values[("leads_received", key)].numerator == len(mine)
        rate = values[("registration_rate", key)]
        assert (rate.numerator, rate.denominator) == (
            sum(x.status is LeadStatus.REGISTERED for x in mine),
            len(mine),
        )
        r = [m for m in recs if m.model == model]
        if r:
            adoption = values[("recommendation_adoption", key)]
            assert (adoption.numerator, adoption.denominator) == (
                sum(m.reply_outcome is ReplyOutcome.ADOPTED for m in r),
                len(r),
            )
        a = [m for m in awaited if m.model == model]
        if a:
            on_time = values[("reply_on_time", key)]
            assert (on_time.numerator, on_time.denominator) == (
                sum(m.reply_on is not None and m.reply_due is not None and m.reply_on <= m.reply_due
                    for m in a), len(a))  # fmt: skip
    # by unit, rolled up: the province's figure is every lead's
    by_unit = si.compute(
        source, matter_catalogue(), units, scope, by=("unit",), only=["leads_received"]
    )
    province = next(u.code for u in units if u.parent is None)
    assert next(v for v in by_unit if v.key == (("unit", province),)).numerator == len(leads)
    # the drill-down is exactly the rows of the number
    kind, ids = si.drill(source, _ind("reply_on_time"), "denominator", scope)  # type: ignore[arg-type]
    assert kind == "matter"
    assert ids == sorted(m.matter_id for m in awaited)
    kind, ids = si.drill(source, _ind("registration_rate"), "numerator", scope)  # type: ignore[arg-type]
    assert kind == "lead"
    assert ids == sorted(x.lead_id for x in leads if x.status is LeadStatus.REGISTERED)


def test_generated_leads_import_through_the_lead_format(
    world: tuple[App, Generated, dt.date], tmp_path: Path
) -> None:
    """The generator's leads written in the lead format read back as the same leads."""
    import orjson

    from jianguan.adapters.formats.leads import lead_record, read_leads

    _app, gen, _ = world
    path = tmp_path / "leads.jsonl"
    path.write_bytes(b"".join(orjson.dumps(lead_record(x)) + b"\n" for x in gen.leads[:50]))
    back, errors = read_leads(path)
    assert errors == []
    assert [(x.lead_id, x.key) for x in back] == [(x.lead_id, x.key) for x in gen.leads[:50]]


def test_the_cli_shows_the_indicators_and_drills_to_the_matters(
    world: tuple[App, Generated, dt.date],
) -> None:
    import json

    from click.testing import CliRunner

    from jianguan.entrypoints.cli import cli

    app, gen, as_of = world
    base = ["--db", app.url, "--as-of", as_of.isoformat()]
    out = CliRunner().invoke(cli, ["matter", "indicators", "--json", *base])
    assert out.exit_code == 0, out.output
    rows = {r["indicator"]: r for r in json.loads(out.output)}
    recs = [m for m in gen.matters if m.decision is MatterDecision.RECOMMENDATION]
    assert rows["recommendation_adoption"]["denominator"] == len(recs)
    drilled = CliRunner().invoke(
        cli, ["matter", "drill", "recommendation_adoption", "--part", "denominator", *base]
    )
    assert drilled.exit_code == 0
    assert drilled.stdout.split() == sorted(m.matter_id for m in recs)
    refused = CliRunner().invoke(
        cli, ["matter", "close", gen.matters[0].matter_id, "--by", "x", "--db", app.url]
    )
    assert refused.exit_code == 2  # closed already, or the gate refuses: nothing written
