"""Reading the text of Chinese legal documents: dates, document numbers, charges, defendants.

Pure and standard-library only. Used by the self-check that compares a case card with the
documents on file. The extractors are deliberately conservative heuristics for the wording of
procuratorate documents (起诉书, 不起诉决定书, 批准逮捕决定书 …), not a general parser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

# --- dates -------------------------------------------------------------------------------------

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_DIGIT_CLASS = "〇○零ＯO一二三四五六七八九"
_CN_SMALL = f"[{_CN_DIGIT_CLASS}十]{{1,3}}"

_ARABIC_DATE = (
    r"(?<![0-9０-９])([0-9０-９]{4})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日"
)
_CHINESE_DATE = rf"([{_CN_DIGIT_CLASS}]{{4}})年({_CN_SMALL})月({_CN_SMALL})日"
_DATE_RE = re.compile(f"{_ARABIC_DATE}|{_CHINESE_DATE}")


def _small_chinese_number(text: str) -> int | None:
    """1–39 written as 一 … 九, 十, 十X, X十, X十Y (as in month and day numerals); else None."""
    if "十" not in text:
        if len(text) != 1 or text not in _CN_DIGITS:
            return None
        return _CN_DIGITS[text]
    tens_part, _, units_part = text.partition("十")
    if "十" in units_part or len(tens_part) > 1 or len(units_part) > 1:
        return None
    tens = 1 if tens_part == "" else _CN_DIGITS.get(tens_part)
    units = 0 if units_part == "" else _CN_DIGITS.get(units_part)
    if tens is None or units is None or tens == 0 or (units_part and units == 0):
        return None
    return tens * 10 + units


def _chinese_year(text: str) -> int | None:
    """A year written digit by digit: 二〇二五 → 2025."""
    if len(text) != 4 or any(ch not in _CN_DIGITS for ch in text):
        return None
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))


def _date_from_match(match: re.Match[str]) -> dt.date | None:
    if match.group(1) is not None:
        year: int | None = int(match.group(1))
        month: int | None = int(match.group(2))
        day: int | None = int(match.group(3))
    else:
        year = _chinese_year(match.group(4))
        month = _small_chinese_number(match.group(5))
        day = _small_chinese_number(match.group(6))
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_chinese_date(text: str) -> dt.date | None:
    """The date that ``text`` is, e.g. 二〇二五年九月十二日 or 2025年9月12日; None if not a date.

    Surrounding whitespace is ignored; anything else around the date makes it "not a date".
    """
    match = _DATE_RE.fullmatch(text.strip())
    return _date_from_match(match) if match else None


def find_dates(text: str) -> list[dt.date]:
    """Every valid date in ``text``, in order of appearance, in either numeral style."""
    found = (_date_from_match(m) for m in _DATE_RE.finditer(text))
    return [d for d in found if d is not None]


def document_date(text: str) -> dt.date | None:
    """The signing date: the last date in the text (a document ends with its unit and date)."""
    dates = find_dates(text)
    return dates[-1] if dates else None


# --- document numbers (文号) ---------------------------------------------------------------------

_OPEN_TO_CLOSE = {"〔": "〕", "[": "]", "［": "］", "(": ")", "（": "）", "【": "】"}
# Characters that end a unit prefix when read leftwards (so "本院深福检…" gives 深福, not 本院深福).
_NOT_PREFIX = "检院的于见按依据第与和及了在为经以号书文"
_DOC_NO_RE = re.compile(
    rf"([^\W\d_{_NOT_PREFIX}A-Za-z]{{1,4}})检([^\W\d_A-Za-z]{{1,6}}?)\s*"
    r"([〔\[［(（【])\s*([0-9０-９]{4})\s*([〕\]］)）】])\s*([0-9０-９]{1,6})\s*号"
)


@dataclass(frozen=True)
class DocumentNo:
    """A procuratorate document number (文号): 深福检刑诉〔2025〕123号."""

    prefix: str
    kind: str
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}检{self.kind}〔{self.year}〕{self.serial}号"


def _document_no_from_match(match: re.Match[str]) -> DocumentNo | None:
    if _OPEN_TO_CLOSE[match.group(3)] != match.group(5):
        return None
    return DocumentNo(
        prefix=match.group(1),
        kind=match.group(2),
        year=int(match.group(4)),
        serial=int(match.group(6)),
    )


def find_document_nos(text: str) -> list[DocumentNo]:
    """Every document number in ``text``, in order (〔〕, [] and () brackets accepted)."""
    found = (_document_no_from_match(m) for m in _DOC_NO_RE.finditer(text))
    return [n for n in found if n is not None]


def parse_document_no(text: str) -> DocumentNo | None:
    """The first document number in ``text``, or None."""
    found = find_document_nos(text)
    return found[0] if found else None


# --- charges -----------------------------------------------------------------------------------

_CHARGE_CUE_RE = re.compile(r"涉嫌|构成|以|犯|罪名[:：]\s*")
_CHARGE_BODY = re.compile(r"[\u4e00-\u9fff、]{1,40}?罪")
# After a 罪 these characters mean the 罪 is part of a word (犯罪所得, 罪名 …), not the name's end.
_CHARGE_CONTINUES = "所嫌名犯行事证分责状"
_NOT_A_CHARGE_START = ("被告人", "犯罪嫌疑人", "被不起诉人", "罪")
_NOT_IN_A_CHARGE = ("涉嫌", "被告人", "嫌疑人", "构成", "追究")


def _charge_after(text: str, start: int) -> tuple[str, int] | None:
    """The charge name beginning at ``start`` and the index after it, or None."""
    pos = start
    while True:
        match = _CHARGE_BODY.match(text, pos)
        if match is None:
            return None
        end = match.end()
        following = text[end : end + 1]
        if (following and following in _CHARGE_CONTINUES) or text[start:end].endswith("犯罪"):
            pos = end  # keep reading: this 罪 is inside a word (犯罪所得, 网络犯罪活动)
            continue
        name = text[start:end]
        if (
            len(name) < 3
            or name.startswith(_NOT_A_CHARGE_START)
            or any(word in name for word in _NOT_IN_A_CHARGE)
        ):
            return None
        return name, end


def _charges_by_cue(text: str) -> list[str]:
    found: list[str] = []
    pos = 0
    while (cue := _CHARGE_CUE_RE.search(text, pos)) is not None:
        charge = _charge_after(text, cue.end())
        if charge is None:
            pos = cue.end()
            continue
        name, end = charge
        found.append(name)
        # A list: 涉嫌盗窃罪、诈骗罪
        while text[end : end + 1] == "、" and (more := _charge_after(text, end + 1)) is not None:
            found.append(more[0])
            end = more[1]
        pos = end
    return found


def _charges_from_catalogue(text: str, known: Iterable[str]) -> list[str]:
    by_first: dict[str, list[str]] = {}
    for name in sorted({k for k in known if k}, key=len, reverse=True):
        by_first.setdefault(name[0], []).append(name)
    found: list[str] = []
    pos = 0
    while pos < len(text):
        match = next((n for n in by_first.get(text[pos], ()) if text.startswith(n, pos)), None)
        if match is None:
            pos += 1
        else:
            found.append(match)
            pos += len(match)
    return found


def find_charges(text: str, known: Iterable[str] | None = None) -> list[str]:
    """Offences named in ``text``, unique, in order of first appearance.

    With ``known`` (the catalogue of offence names) those names are matched exactly, the longest
    first at each position. Without it, names are read after 涉嫌 / 以 / 构成 / 犯 / 罪名：.
    """
    names = _charges_by_cue(text) if known is None else _charges_from_catalogue(text, known)
    return list(dict.fromkeys(names))


# --- defendants --------------------------------------------------------------------------------

_PARTY_RE = re.compile(r"(?:被告人|犯罪嫌疑人|被不起诉人)[:：]?")
_NAME_CHARS = r"[\u4e00-\u9fff]"
_NAME_RUN_RE = re.compile(r"[\u4e00-\u9fff·•]+")
# Words that may follow a name in running text (被告人张三涉嫌…, 张三饮酒后驾驶…).
_AFTER_NAME_WORDS = (
    "涉嫌|一案|实施|明知|伙同|饮酒|醉酒|驾驶|到案|归案|自愿|如实|供述|使用|利用|通过|"
    "采用|多次|先后|窃取|携带|持有"
)
_AFTER_NAME = f"{_AFTER_NAME_WORDS}|因|系|的|等|在|于|将|被|向|对|负|与|及|持|以|为|已|现|犯"
# A name ended by punctuation (or by a two-character word such as 一案 just before it).
_PUNCT_NAME_RE = re.compile(
    rf"({_NAME_CHARS}{{2,4}}?|{_NAME_CHARS}{{1,8}}[·•]{_NAME_CHARS}{{1,10}}?)"
    rf"(?=(?:{_AFTER_NAME_WORDS})?[，,、。：:；;（(\s]|$)"
)
_RUNNING_NAME_RE = re.compile(rf"({_NAME_CHARS}{{2,4}}?)(?={_AFTER_NAME})")
# Text after 被告人 that is not a name (被告人有权委托辩护人, 犯罪嫌疑人诉讼权利义务告知书 …).
_NOT_A_NAME_START = (
    "有权",
    "自愿",
    "如实",
    "如不服",
    "家属",
    "到案",
    "诉讼",
    "认罪",
    "的",
    "及",
    "均",
    "已",
    "在",
    "对",
    "系",
    "应",
    "可",
    "不",
    "是",
    "同",
    "人数",
    "辩护",
    "权利",
    "供述",
)


def _name_at(text: str, pos: int, known: list[str]) -> str | None:
    """The name beginning at ``pos``: up to punctuation, else a name seen before, else up to a
    word that usually follows a name."""
    if text.startswith(_NOT_A_NAME_START, pos):
        return None
    match = _PUNCT_NAME_RE.match(text, pos)
    if match is not None:
        return match.group(1)
    seen = next((n for n in known if text.startswith(n, pos)), None)
    if seen is not None:
        return seen
    match = _RUNNING_NAME_RE.match(text, pos)
    return match.group(1) if match is not None else None


def _names_after_markers(text: str, known: list[str]) -> list[str]:
    names: list[str] = []
    for marker in _PARTY_RE.finditer(text):
        pos = marker.end()
        while (name := _name_at(text, pos, known)) is not None:
            names.append(name)
            pos += len(name)
            if text[pos : pos + 1] != "、":
                break
            pos += 1
    return names


def find_defendant_names(text: str) -> list[str]:
    """Names after 被告人 / 犯罪嫌疑人 / 被不起诉人, unique, in order of first appearance.

    A name ends at the next ，or 、 (被告人郭海东，男 → 郭海东); several may be listed with 、
    (被告人郭海东、陈宏兰涉嫌… → both). In running text a name also ends before a word that
    usually follows one (涉嫌, 一案, 的, 驾驶 …), preferring names already seen in the text.
    """
    # First pass: the unambiguous names (ended by punctuation), to recognise them later.
    clear: list[str] = []
    for marker in _PARTY_RE.finditer(text):
        pos = marker.end()
        if text.startswith(_NOT_A_NAME_START, pos):
            continue
        while (match := _PUNCT_NAME_RE.match(text, pos)) is not None:
            clear.append(match.group(1))
            pos = match.end()
            if text[pos : pos + 1] != "、":
                break
            pos += 1
    known = sorted(set(clear), key=len, reverse=True)
    return list(dict.fromkeys(_names_after_markers(text, known)))


# --- the plea statement (认罪认罚具结书) ---------------------------------------------------------

# The signature block: "犯罪嫌疑人：张三" and "辩护人：李律师" / "值班律师：王某" each on its own line.
_SIGNER_RE = re.compile(r"^\s*犯罪嫌疑人[:：][ \t　]*(\S+?)[ \t　]*$", re.MULTILINE)
_WITNESS_RE = re.compile(r"^\s*(辩护人|值班律师)[:：][ \t　]*(\S*?)[ \t　]*$", re.MULTILINE)


def plea_statement_signers(text: str) -> list[str]:
    """The suspects who signed a plea statement: the names of its 犯罪嫌疑人： signature lines,
    else the names its text gives after 犯罪嫌疑人 (a statement without the signature block)."""
    signed = [m.group(1) for m in _SIGNER_RE.finditer(text)]
    return signed or find_defendant_names(text)


def plea_statement_witnesses(text: str) -> list[tuple[str, str]]:
    """(辩护人 | 值班律师, name) of each lawyer who signed the statement as present (刑诉法 第174条
    第1款 "在辩护人或者值班律师在场的情况下签署"); a signature line left blank names nobody."""
    return [(m.group(1), m.group(2)) for m in _WITNESS_RE.finditer(text) if m.group(2)]
