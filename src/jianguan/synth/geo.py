"""The province the synthetic data lives in: Guangdong's procuratorates, with real division codes.

Each unit has its administrative division code (单位编码), its name, the abbreviation used in
document numbers (深福检刑诉〔2025〕12号), the local court and investigating police, and a relative
workload (large city districts handle far more cases than mountain counties).
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = ("440000", "广东省", "粤")

# code, city name, abbreviation
CITIES: tuple[tuple[str, str, str], ...] = (
    ("440100", "广州市", "穗"),
    ("440200", "韶关市", "韶"),
    ("440300", "深圳市", "深"),
    ("440400", "珠海市", "珠"),
    ("440500", "汕头市", "汕"),
    ("440600", "佛山市", "佛"),
    ("440700", "江门市", "江"),
    ("440800", "湛江市", "湛"),
    ("440900", "茂名市", "茂"),
    ("441300", "惠州市", "惠"),
)

# code, local name (区 / 县 / 县级市), abbreviation, relative workload
BASIC: tuple[tuple[str, str, str, float], ...] = (
    ("440103", "荔湾区", "穗荔", 3.0),
    ("440104", "越秀区", "穗越", 4.0),
    ("440105", "海珠区", "穗海", 4.5),
    ("440106", "天河区", "穗天", 6.0),
    ("440111", "白云区", "穗白", 8.0),
    ("440112", "黄埔区", "穗黄", 3.5),
    ("440113", "番禺区", "穗番", 6.0),
    ("440114", "花都区", "穗花", 4.0),
    ("440115", "南沙区", "穗南", 2.5),
    ("440117", "从化区", "穗从", 1.5),
    ("440118", "增城区", "穗增", 3.5),
    ("440203", "武江区", "韶武", 0.9),
    ("440204", "浈江区", "韶浈", 0.9),
    ("440205", "曲江区", "韶曲", 0.7),
    ("440222", "始兴县", "始", 0.35),
    ("440224", "仁化县", "仁", 0.35),
    ("440229", "翁源县", "翁", 0.45),
    ("440232", "乳源瑶族自治县", "乳", 0.3),
    ("440233", "新丰县", "新丰", 0.3),
    ("440281", "乐昌市", "乐", 0.6),
    ("440282", "南雄市", "雄", 0.5),
    ("440303", "罗湖区", "深罗", 4.5),
    ("440304", "福田区", "深福", 6.0),
    ("440305", "南山区", "深南", 5.5),
    ("440306", "宝安区", "深宝", 9.0),
    ("440307", "龙岗区", "深龙", 9.0),
    ("440308", "盐田区", "深盐", 1.0),
    ("440309", "龙华区", "深华", 6.5),
    ("440310", "坪山区", "深坪", 1.8),
    ("440311", "光明区", "深光", 2.2),
    ("440402", "香洲区", "珠香", 3.5),
    ("440403", "斗门区", "珠斗", 1.2),
    ("440404", "金湾区", "珠金", 1.0),
    ("440507", "龙湖区", "汕龙", 1.5),
    ("440511", "金平区", "汕金", 1.6),
    ("440512", "濠江区", "汕濠", 0.6),
    ("440513", "潮阳区", "汕潮", 2.0),
    ("440514", "潮南区", "汕南", 2.0),
    ("440515", "澄海区", "汕澄", 1.3),
    ("440523", "南澳县", "澳", 0.15),
    ("440604", "禅城区", "佛禅", 2.8),
    ("440605", "南海区", "佛南", 6.0),
    ("440606", "顺德区", "佛顺", 6.0),
    ("440607", "三水区", "佛三", 1.5),
    ("440608", "高明区", "佛高", 1.0),
    ("440703", "蓬江区", "江蓬", 1.8),
    ("440704", "江海区", "江海", 0.8),
    ("440705", "新会区", "江新", 1.5),
    ("440781", "台山市", "台", 1.3),
    ("440783", "开平市", "开", 1.0),
    ("440784", "鹤山市", "鹤", 0.9),
    ("440785", "恩平市", "恩", 0.6),
    ("440802", "赤坎区", "湛赤", 1.0),
    ("440803", "霞山区", "湛霞", 1.4),
    ("440804", "坡头区", "湛坡", 0.6),
    ("440811", "麻章区", "湛麻", 0.8),
    ("440823", "遂溪县", "遂", 1.0),
    ("440825", "徐闻县", "徐", 0.7),
    ("440881", "廉江市", "廉", 1.4),
    ("440882", "雷州市", "雷", 1.5),
    ("440883", "吴川市", "吴", 0.9),
    ("440902", "茂南区", "茂南", 1.5),
    ("440904", "电白区", "茂电", 1.6),
    ("440981", "高州市", "高", 1.6),
    ("440982", "化州市", "化", 1.4),
    ("440983", "信宜市", "信", 1.0),
    ("441302", "惠城区", "惠城", 2.8),
    ("441303", "惠阳区", "惠阳", 2.5),
    ("441322", "博罗县", "博", 1.8),
    ("441323", "惠东县", "惠东", 1.7),
    ("441324", "龙门县", "龙", 0.5),
)


@dataclass(frozen=True, slots=True)
class Place:
    """One procuratorate's place in the province, before staff are added."""

    code: str
    name: str  # 深圳市福田区人民检察院
    level: str  # provincial | municipal | basic
    parent: str  # "" for the root
    abbr: str  # 深福
    place: str  # 深圳市福田区 (as written in facts)
    court: str  # the court of first instance beside it
    police: str  # the investigating police
    supervisory: str  # the supervisory commission (监察委员会)
    weight: float  # relative workload (basic units); 0 for upper units


def _city_of(code: str) -> tuple[str, str, str]:
    for city in CITIES:
        if city[0][:4] == code[:4]:
            return city
    raise KeyError(code)


def _basic(code: str, local: str, abbr: str, weight: float) -> Place:
    city_code, city, _ = _city_of(code)
    if local.endswith("区"):
        place = city + local
        police = f"{city}公安局{local[:-1]}分局"
    else:
        place = local
        police = f"{local}公安局"
    return Place(
        code=code,
        name=f"{place}人民检察院",
        level="basic",
        parent=city_code,
        abbr=abbr,
        place=place,
        court=f"{place}人民法院",
        police=police,
        supervisory=f"{place}监察委员会",
        weight=weight,
    )


def places() -> tuple[Place, ...]:
    """The province, its cities and their districts/counties, root first, each before its children."""
    code, prov, abbr = PROVINCE
    out = [
        Place(
            code,
            f"{prov}人民检察院",
            "provincial",
            "",
            abbr,
            prov,
            f"{prov}高级人民法院",
            f"{prov}公安厅",
            f"{prov}监察委员会",
            0.0,
        )
    ]
    for city_code, city, city_abbr in CITIES:
        out.append(
            Place(
                city_code,
                f"{city}人民检察院",
                "municipal",
                code,
                city_abbr,
                city,
                f"{city}中级人民法院",
                f"{city}公安局",
                f"{city}监察委员会",
                0.0,
            )
        )
        out.extend(_basic(*row) for row in BASIC if row[0][:4] == city_code[:4])
    return tuple(out)
