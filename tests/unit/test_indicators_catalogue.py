"""The indicator catalogue: its shape, its loader's refusals, and the published national figures.

law-and-practice.md §4–5 gives national counts for several indicators; feeding those counts to
the catalogue's own filters (as weighted rows) must give the published rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest

from jianguan.adapters.indicator_file import (
    IndicatorFileError,
    catalogue_text,
    default_catalogue,
    parse_catalogue,
)
from jianguan.domain.indicators import (
    FIELDS,
    IndicatorError,
    count_part,
    evaluate,
    month_end,
    parse_month,
    period_dims,
)
from tests.support import rules

REQUIRED = [
    "non_arrest_rate",
    "non_prosecution_rate",
    "plea_leniency_rate",
    "non_prosecution_after_arrest_rate",
    "pretrial_detention_rate",
    "fixed_sentence_recommendation_rate",
    "recommendation_acceptance_rate",
    "withdrawal_rate",
    "acquittal_rate",
    "return_rate",
    "extension_rate",
    "appeal_rate",
    "on_time_rate",
    "case_proceeding_ratio",
]
FAMILIES = ["line_structure", "initiative_structure", "source_structure"]


def test_catalogue_has_every_required_indicator_and_at_least_25() -> None:
    cat = default_catalogue()
    ids = [i.id for i in cat.indicators]
    assert len(ids) >= 25
    assert len(set(ids)) == len(ids)
    for rid in REQUIRED:
        assert rid in ids
    for fam in FAMILIES:
        members = cat.select([fam])
        assert len(members) >= 2, fam
        assert all(m.id.startswith(fam + ".") for m in members)


def test_every_indicator_cites_a_basis_and_is_defined_in_words() -> None:
    for ind in default_catalogue().indicators:
        assert ind.basis, ind.id
        assert all(b.strip() for b in ind.basis), ind.id
        assert ind.zh, ind.id
        assert ind.en, ind.id
        assert len(ind.definition) > 10, ind.id
        assert ind.count in ("persons", "cases")


def test_required_definitions_match_issue_6() -> None:
    """persons = suspects; the period is the decision date; numerator inside the denominator."""
    cat = default_catalogue()
    nar = cat.get("non_arrest_rate")
    (den,) = nar.denominator.terms
    (num,) = nar.numerator.terms
    assert (den.count, den.cohort) == ("persons", "decision_on")
    # counted inside the denominator: the loader joins both filters (and intersects the lists)
    assert {(c.field, c.values) for c in num.where} == {
        ("category", ("arrest_review",)),
        ("decision_type", ("deny_arrest",)),
    }
    npa = cat.get("non_prosecution_after_arrest_rate")
    assert any(
        c.field == "arrested_before" and c.values == (True,) for c in npa.denominator.terms[0].where
    )
    plea = cat.get("plea_leniency_rate")
    assert any(c.field == "decided" for c in plea.denominator.terms[0].where)
    assert cat.get("case_proceeding_ratio").kind == "ratio"


def _text_with(entry: str) -> str:
    return '[indicators.x]\nzh = "x"\nen = "x"\ndefinition = "something counted"\n' + entry


def test_loader_refuses_an_indicator_without_a_basis() -> None:
    text = _text_with('count = "cases"\ndenominator = {}\nnumerator = { category = "complaint" }\n')
    with pytest.raises(IndicatorFileError, match=r"test\.toml: indicator x: basis"):
        parse_catalogue(text, "test.toml")


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ('denominator = {}\nnumerator = { colour = "red" }\n', "numerator.colour"),
        ('denominator = {}\nnumerator = { major_complex = "yes" }\n', "numerator.major_complex"),
        ('cohort = "tomorrow"\ndenominator = {}\nnumerator = {}\n', "cohort"),
        ("denominator = {}\nnumerator = { category = [] }\n", "numerator.category"),
        ("denominator = {}\nnumerator = { appealed = { maybe = true } }\n", "numerator.appealed"),
        ("denominator = {}\n", "numerator"),
        ('kind = "league_table"\ndenominator = {}\nnumerator = {}\n', "kind"),
        (
            'numerator_terms = [{ count = "rows" }]\ndenominator_terms = []\n',
            "numerator_terms[0].count",
        ),
    ],
)
def test_loader_names_the_field_at_fault(entry: str, field: str) -> None:
    text = _text_with('count = "cases"\nbasis = ["a law"]\n' + entry)
    with pytest.raises(IndicatorFileError) as err:
        parse_catalogue(text, "test.toml")
    assert f"test.toml: indicator x: {field}:" in str(err.value)


def test_a_numerator_is_counted_inside_its_denominator() -> None:
    base = 'count = "persons"\nbasis = ["a law"]\n'
    inside = parse_catalogue(
        _text_with(
            base + 'denominator = { decision_type = ["prosecute", "not_prosecute"] }\n'
            'numerator = { decision_type = "not_prosecute", minor = true }\n'
        )
    ).get("x")
    rows = {
        "persons": [
            {"decision_type": "not_prosecute", "minor": True},
            {"decision_type": "prosecute", "minor": True},
            {"decision_type": "transfer", "minor": True},
        ]
    }
    assert evaluate(inside, rows) == (1, 2, 0.5)
    # an impossible numerator stays impossible (not an empty list that would match everything)
    never = parse_catalogue(
        _text_with(
            base + 'denominator = { decision_type = "prosecute" }\n'
            'numerator = { decision_type = "not_prosecute" }\n'
        )
    ).get("x")
    assert evaluate(never, rows)[0] == 0


def test_the_shipped_file_parses_to_the_default_catalogue() -> None:
    assert parse_catalogue(catalogue_text()) == default_catalogue()
    assert rules().indicators == default_catalogue()  # what the CLI and the web count with


def test_filters_only_use_known_fields() -> None:
    for ind in default_catalogue().indicators:
        for part in (ind.numerator, ind.denominator):
            for t in part.terms:
                assert {c.field for c in t.where} <= set(FIELDS[t.count]), ind.id


# -- published national figures (law-and-practice.md §5) ---------------------------------------


def _persons(**groups: int) -> dict[str, list[dict[str, object]]]:
    """Weighted person rows, one per (category, decision) group: 'arrest_review:deny_arrest=…'."""
    rows: list[dict[str, object]] = []
    for key, n in groups.items():
        category, decision = key.split("__")
        rows.append(
            {"category": category, "decision_type": decision, "decided": True, "_weight": n}
        )
    return {"persons": rows}


def _rate(ind_id: str, rows: Mapping[str, list[dict[str, object]]]) -> float:
    _, _, value = evaluate(default_catalogue().get(ind_id), rows)
    assert value is not None
    return value


@pytest.mark.parametrize(
    ("approved", "denied", "published"),
    [
        # SPP release 2020-06-02 (tellerreport.com): 2019 批准逮捕 1,088,490 人, 不捕 313,743 人, 不捕率 22.4%
        (1_088_490, 313_743, 22.4),
        # cpspew.com/news/1004143.html: 2020 Jan–Sep 551,002 / 156,877, 不捕率 22.2%
        (551_002, 156_877, 22.2),
        # 中新网 2024-08-06 (g.golangjump.com): 2024 H1 367,000 / 191,000, 不捕率 34.2%
        (367_000, 191_000, 34.2),
    ],
)
def test_non_arrest_rate_reproduces_published_figures(
    approved: int, denied: int, published: float
) -> None:
    rows = _persons(arrest_review__approve_arrest=approved, arrest_review__deny_arrest=denied)
    assert round(_rate("non_arrest_rate", rows) * 100, 1) == published


@pytest.mark.parametrize(
    ("prosecuted", "not_prosecuted", "published"),
    [
        # SPP release 2020-06-02: 2019 起诉 1,818,808 人, 不起诉 190,258 人, 不诉率 9.5%
        (1_818_808, 190_258, 9.5),
        # cpspew.com: 2020 Jan–Sep 1,106,202 / 173,068, 不诉率 13.5%
        (1_106_202, 173_068, 13.5),
    ],
)
def test_non_prosecution_rate_reproduces_published_figures(
    prosecuted: int, not_prosecuted: int, published: float
) -> None:
    rows = _persons(
        prosecution_review__prosecute=prosecuted, prosecution_review__not_prosecute=not_prosecuted
    )
    # a transfer (移送) is a concluded decision but neither side of the 不诉率: it must not count
    rows["persons"].append(
        {"category": "prosecution_review", "decision_type": "transfer", "_weight": 99_999}
    )
    assert round(_rate("non_prosecution_rate", rows) * 100, 1) == published


def test_fixed_sentence_recommendation_rate_reproduces_2020_figure() -> None:
    """cpspew.com (SPP, 2020 Jan–Sep): 确定刑量刑建议 493,762 of 737,119 proposals = 67.0%.

    刑事诉讼法第176条第2款: in a guilty-plea case the procuratorate shall make a sentencing
    proposal, so every plea case with a court outcome carries one; a fixed-term proposal is one
    with its months filled in.
    """
    base = {
        "category": "prosecution_review",
        "decision_type": "prosecute",
        "plea_leniency": True,
        "outcome_type": "convicted",
    }
    rows = {
        "persons": [
            {**base, "recommendation_months": 6, "_weight": 493_762},
            {**base, "recommendation_months": None, "_weight": 737_119 - 493_762},
        ]
    }
    assert round(_rate("fixed_sentence_recommendation_rate", rows) * 100, 1) == 67.0


def test_recommendation_acceptance_rate_reproduces_2020_figure() -> None:
    """cpspew.com (SPP, 2020 Jan–Sep): courts accepted 687,907 of 737,119 proposals = 93.3%.

    刑事诉讼法第201条: 人民法院依法作出判决时，一般应当采纳人民检察院指控的罪名和量刑建议.
    """
    proposed = {
        "category": "prosecution_review",
        "decision_type": "prosecute",
        "plea_leniency": True,
        "outcome_type": "convicted",
    }
    rows = {
        "persons": [
            {**proposed, "recommendation_accepted": True, "_weight": 687_907},
            {**proposed, "recommendation_accepted": False, "_weight": 737_119 - 687_907},
            # no plea, so no recommendation was proposed: in neither part
            {
                **proposed,
                "plea_leniency": False,
                "recommendation_accepted": None,
                "_weight": 50_000,
            },
        ]
    }
    assert round(_rate("recommendation_acceptance_rate", rows) * 100, 1) == 93.3


def _largest_remainder(shares: list[float]) -> list[int]:
    floors = [int(x) for x in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - floors[i], reverse=True)
    for i in order[: 100 - sum(floors)]:
        floors[i] += 1
    return floors


def test_line_structure_reproduces_the_2024_four_lines_ratio() -> None:
    """2024 white paper (feifmx.com): 4.099 M cases — criminal 3.471 M, civil 0.282 M,
    administrative 0.195 M, public interest 0.151 M — published as 84 : 7 : 5 : 4."""
    rows = {
        "cases": [
            {"category": "prosecution_review", "_weight": 3_471_000},
            {"category": "civil_supervision", "_weight": 282_000},
            {"category": "admin_supervision", "_weight": 195_000},
            {"category": "public_interest", "_weight": 151_000},
        ]
    }
    members = ("criminal", "civil", "administrative", "public_interest")
    shares = [_rate(f"line_structure.{m}", rows) * 100 for m in members]
    assert sum(shares) == pytest.approx(100.0)
    # a ratio of whole percents adding up to 100: largest-remainder rounding (84.68 → 84,
    # 6.88 → 7, 4.76 → 5, 3.68 → 4), which is how 84:7:5:4 comes out of these counts
    assert _largest_remainder(shares) == [84, 7, 5, 4]


def test_pretrial_detention_rate_counts_two_cohorts() -> None:
    """孙长永 (现代法学 2023(3)): 诉前羁押率 = 逮捕人数 ÷ (起诉 + 不起诉人数); the 2019 counts
    (SPP 2020-06-02) give 1,088,490 ÷ (1,818,808 + 190,258) = 54.2 %."""
    rows = _persons(
        arrest_review__approve_arrest=1_088_490,
        arrest_review__deny_arrest=313_743,
        prosecution_review__prosecute=1_818_808,
        prosecution_review__not_prosecute=190_258,
    )
    assert round(_rate("pretrial_detention_rate", rows) * 100, 1) == 54.2


def test_count_part_puts_rows_in_periods_by_the_cohort_date() -> None:
    ind = default_catalogue().get("non_arrest_rate")
    rows = {
        "persons": [
            {
                "category": "arrest_review",
                "decision_type": "deny_arrest",
                "decision_on": dt.date(2025, 1, 31),
            },
            {
                "category": "arrest_review",
                "decision_type": "deny_arrest",
                "decision_on": dt.date(2025, 2, 1),
            },
            {"category": "arrest_review", "decision_type": "deny_arrest", "decision_on": None},
        ]
    }
    assert count_part(ind.numerator, rows) == 3
    assert count_part(ind.numerator, rows, dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == 1


def test_months_and_periods() -> None:
    assert parse_month("2025-02") == dt.date(2025, 2, 1)
    assert month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert month_end(dt.date(2025, 12, 1)) == dt.date(2025, 12, 31)
    assert period_dims(202511, ["year", "quarter", "month"]) == {
        "year": 2025,
        "quarter": "2025Q4",
        "month": "2025-11",
    }
    with pytest.raises(IndicatorError):
        parse_month("2025-13")
    with pytest.raises(IndicatorError):
        default_catalogue().get("no_such_indicator")


def test_a_catalogue_of_more_than_fifty_indicators_is_refused() -> None:
    # 2024 ("一取消三不再"): no more evaluation-indicator system; the catalogue stays small.
    from jianguan.adapters.indicator_file import IndicatorFileError, catalogue_text, parse_catalogue

    text = catalogue_text()
    one = text[text.index("[indicators.non_arrest_rate]") : text.index("[indicators.arrest_rate]")]
    shipped = len(parse_catalogue(text).indicators)

    def copies(n: int) -> str:
        return "".join(one.replace("non_arrest_rate]", f"copy_{i}]") for i in range(n))

    assert len(parse_catalogue(text + copies(50 - shipped)).indicators) == 50
    with pytest.raises(IndicatorFileError, match="at most 50"):
        parse_catalogue(text + copies(51 - shipped))
