"""Plausible Chinese personal names: surnames weighted as in Guangdong, common given names."""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# Surnames with a rough relative frequency (Guangdong leans to 陈, 李, 黄, 梁, 林).
_SURNAMES = (
    ("陈", 100),
    ("李", 80),
    ("黄", 70),
    ("张", 60),
    ("梁", 45),
    ("林", 42),
    ("刘", 40),
    ("吴", 30),
    ("何", 28),
    ("郭", 22),
    ("罗", 22),
    ("郑", 20),
    ("谢", 20),
    ("杨", 19),
    ("王", 19),
    ("钟", 18),
    ("周", 16),
    ("曾", 16),
    ("邓", 15),
    ("冯", 14),
    ("蔡", 13),
    ("叶", 13),
    ("卢", 12),
    ("许", 12),
    ("潘", 11),
    ("赵", 10),
    ("徐", 10),
    ("朱", 10),
    ("胡", 9),
    ("苏", 9),
    ("余", 9),
    ("彭", 8),
    ("欧阳", 6),
    ("麦", 7),
    ("莫", 7),
    ("关", 6),
    ("温", 6),
    ("方", 6),
    ("邱", 6),
    ("孙", 6),
    ("马", 5),
    ("高", 5),
    ("袁", 5),
    ("肖", 5),
    ("唐", 5),
    ("韩", 4),
    ("廖", 6),
    ("赖", 6),
    ("戴", 4),
    ("江", 4),
    ("严", 3),
    ("汤", 3),
    ("姚", 3),
    ("沈", 3),
    ("宋", 3),
    ("丘", 3),
    ("庄", 4),
    ("詹", 3),
    ("翁", 3),
    ("区", 2),
    ("植", 1),
    ("司徒", 1),
    ("利", 2),
    ("甘", 2),
    ("覃", 2),
    ("龙", 2),
    ("范", 2),
)

_MALE = "伟强军杰斌峰辉明华建国志勇文俊鹏浩宇涛超磊波健锋东海晓永金荣德振家康耀坤"
_FEMALE = "丽芳敏静燕娟霞艳玲萍红婷慧颖琳洁雪梅秀英兰凤珍琴晶欣怡莹倩婉妍嘉"
_MIDDLE = "志建国家永晓文德卫少锦伟俊子思嘉海振泽宏铭凯"

SURNAMES = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(w for _, w in _SURNAMES))
_SURNAME_TOTAL = _SURNAME_CUM[-1]


def surname(rng: random.Random) -> str:
    return SURNAMES[bisect(_SURNAME_CUM, rng.random() * _SURNAME_TOTAL)]


def given(rng: random.Random, male: bool) -> str:
    pool = _MALE if male else _FEMALE
    last = pool[int(rng.random() * len(pool))]
    middle = _MIDDLE[int(rng.random() * len(_MIDDLE))]
    if rng.random() < 0.22 or middle == last:
        return last
    return middle + last


def full_name(rng: random.Random, male: bool) -> str:
    return surname(rng) + given(rng, male)


def lawyer(rng: random.Random) -> str:
    """A defence lawyer or duty lawyer (值班律师) for a plea statement."""
    return full_name(rng, rng.random() < 0.6)
