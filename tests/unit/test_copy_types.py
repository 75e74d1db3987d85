"""The column encodings of PostgreSQL's binary COPY (adapters/store/sql_store.py): a binary COPY
sends no types, so each value must be encoded as its column's type reads it; a column of a type
without a known encoding is refused rather than written wrongly."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, BigInteger, Column, Date, Integer, MetaData, Table, Text

from jianguan.adapters.store import schema
from jianguan.adapters.store.rows import ALL_CASE_TABLES
from jianguan.adapters.store.schema_monitor import case_marks
from jianguan.adapters.store.sql_store import binary_copy_types


def test_every_case_table_has_an_encoding_for_every_column() -> None:
    for table in (*ALL_CASE_TABLES, case_marks):
        assert len(binary_copy_types(table)) == len(table.columns), table.name


def encodings(table: Table) -> dict[str, str]:
    return dict(zip((c.name for c in table.columns), binary_copy_types(table), strict=True))


def test_each_column_is_encoded_as_its_type() -> None:
    kinds = encodings(schema.events)
    assert kinds["seq"] == "int4"
    assert kinds["on_date"] == "date"
    assert kinds["type"] == "text"  # varchar and text read the same bytes
    marks = encodings(case_marks)
    assert marks["changed_us"] == "int8"  # eight bytes, not four: a BigInteger is an Integer
    cases = encodings(schema.cases)
    assert cases["major_complex"] == "bool"


def test_a_column_without_a_known_encoding_is_refused() -> None:
    table = Table(
        "t",
        MetaData(),
        Column("a", Integer),
        Column("b", BigInteger),
        Column("c", Date),
        Column("d", Text),
        Column("e", JSON),
    )
    with pytest.raises(TypeError, match=r"t\.e"):
        binary_copy_types(table)
