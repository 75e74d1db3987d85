"""A criminal matter: the people and offences shared by its arrest review and prosecution review.

A matter that goes through arrest review and then prosecution review is drawn twice, once in each
stage's worker, from its own stream (seeded by the data-set seed and the arrest-review slot), so
both stages name the same suspects, victims, charges and handling prosecutor (捕诉一体).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from jianguan.synth.charges import Charge
from jianguan.synth.common import Ctx, Slot, choose_handler
from jianguan.synth.names import full_name
from jianguan.synth.org import DEPT1, DEPT2

_YEAR = 365.25
DISABILITIES = ("deaf", "mute", "blind", "mental")
LIFE_OR_DEATH = 120  # likely sentence (months) from which counsel is always present
P_GRAVE = 0.3  # of those, the share likely to face life imprisonment or death (format 1.1 band)
P_GRAVE_COUNSEL = 0.6  # the share of those who have retained counsel


@dataclass(slots=True)
class Person:
    id: str
    name: str
    male: bool
    birth: int  # ordinal
    minor: bool
    disability: str | None
    counsel: bool  # has counsel at the first stage
    likely: int  # likely sentence, months
    band: str | None = None  # "life" | "death" (format 1.1 likely_sentence), else None

    @property
    def needs_aid(self) -> bool:
        """Legal aid must be asked for when there is no counsel: a minor, a blind, deaf, mute or
        mentally ill suspect, or one who may face life imprisonment or death (刑诉法 第35条;
        规则 第42条; 法律援助法 第25条)."""
        return (self.minor or self.disability is not None or self.band is not None) and (
            not self.counsel
        )

    def born(self) -> str:
        d = dt.date.fromordinal(self.birth)
        return f"{d.year}年{d.month}月{d.day}日"


@dataclass(slots=True)
class Matter:
    charge: Charge
    charges: list[str]
    major: bool
    dept: str
    handler: str
    designated: bool
    suspects: list[Person]
    victims: list[tuple[str, str]]
    offence: int  # ordinal of the (first) offence day


def _birth(rng: random.Random, received: int, minor: bool) -> int:
    # A minor is 14.5–17.4 at receipt: 14 at the offence, still a minor 200 days later.
    age = 14.5 + rng.random() * 2.9 if minor else 18.6 + 50 * rng.random() ** 1.7
    return received - int(age * _YEAR)


def _person(rng: random.Random, i: int, received: int, ch: Charge, major: bool) -> Person:
    minor = rng.random() < ch.minor
    male = rng.random() < (1.0 if ch.name in ("强奸罪", "猥亵儿童罪") else 0.86)
    disability = DISABILITIES[int(rng.random() * 4)] if rng.random() < 0.008 else None
    likely = ch.lo + int((ch.hi - ch.lo) * rng.random() ** 2)
    if minor:
        likely = max(ch.lo, likely * 2 // 3)
    p_counsel = 0.25 if (minor or disability) else (0.7 if major else 0.3)
    band = None
    if likely >= LIFE_OR_DEATH and rng.random() < P_GRAVE:
        band = "death" if rng.random() < 0.2 else "life"
    if band is not None:
        counsel = rng.random() < P_GRAVE_COUNSEL
    else:
        counsel = likely >= LIFE_OR_DEATH or rng.random() < p_counsel
    return Person(
        f"S{i + 1}",
        full_name(rng, male),
        male,
        _birth(rng, received, minor),
        minor,
        disability,
        counsel,
        likely,
        band,
    )


def make_matter(ctx: Ctx, rng: random.Random, slot: Slot, received: int, *, arrest: bool) -> Matter:
    """Draw a matter first received (by arrest review or prosecution review) on ``received``."""
    ch = ctx.draw.principal(rng, arrest=arrest)
    charges = ctx.draw.charges(rng, ch)
    major = rng.random() < ch.major
    n = 1
    if rng.random() < ch.gang:
        n = 2 + int(rng.random() ** 2 * 4)
    suspects = [_person(rng, i, received, ch, major) for i in range(n)]
    victims: list[tuple[str, str]] = []
    if rng.random() < ch.victim:
        for i in range(1 + (rng.random() < 0.15)):
            victims.append((f"V{i + 1}", full_name(rng, rng.random() < 0.5)))
    dept = DEPT2 if ch.dept == 2 else DEPT1
    handler, designated = choose_handler(rng, ctx.org.units[slot.unit], dept, major)
    lag = 1 + int(rng.random() * 6) if arrest else 15 + int(rng.random() * 120)
    return Matter(ch, charges, major, dept, handler, designated, suspects, victims, received - lag)


def matter_rng(seed: int, arrest_slot: int) -> random.Random:
    return random.Random(f"{seed}:matter:{arrest_slot}")


def suspect_row(
    p: Person, *, custody: bool, counsel: bool, plea: bool, fast: bool
) -> dict[str, object]:
    return {
        "id": p.id,
        "name": p.name,
        "birth_date": dt.date.fromordinal(p.birth).isoformat(),
        "in_custody": custody,
        "minor": p.minor,
        "disability": p.disability,
        "has_counsel": counsel,
        "plea_leniency": plea,
        "fast_track": fast,
        # a life or death band says what months cannot (format 1.1): months are then null
        "likely_sentence_months": None if p.band else p.likely,
        **({"likely_sentence": p.band} if p.band else {}),
    }
