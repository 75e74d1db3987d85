"""Every table of the store, on one ``MetaData``: the migrations and their test compare against it.

Each area of the platform declares its tables in a module of its own (``schema`` for cases and
the audit log, ``schema_casework`` for assignment and the quality gates, …) on the shared
``schema.metadata``; importing this module registers them all.
"""

from __future__ import annotations

from jianguan.adapters.store import schema
from jianguan.adapters.store import schema_casework as schema_casework
from jianguan.adapters.store import schema_consultation as schema_consultation
from jianguan.adapters.store import schema_followup as schema_followup
from jianguan.adapters.store import schema_management as schema_management
from jianguan.adapters.store import schema_monitor as schema_monitor
from jianguan.adapters.store import schema_responsibility as schema_responsibility
from jianguan.adapters.store import schema_review as schema_review
from jianguan.adapters.store import schema_supervision as schema_supervision
from jianguan.adapters.store import schema_web as schema_web

metadata = schema.metadata

__all__ = ["metadata"]
