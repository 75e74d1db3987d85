"""A ledger entry links to its subject's page: a case, a supervision matter, or the meeting or
notice a task belongs to (a link to /cases/ for a matter answered 404)."""

from __future__ import annotations

from jianguan.domain.monitoring import FindingKind
from jianguan.web.render import subject_href


def test_each_kind_of_subject_links_to_its_page() -> None:
    assert subject_href(FindingKind.REVIEW_OVERDUE, "440304-2025/1") == "/cases/440304-2025%2F1"
    assert subject_href(FindingKind.SUPERVISION_REPLY_OVERDUE, "M0001") == (
        "/supervision/matters/M0001"
    )
    assert subject_href(FindingKind.MEETING_RECORD_MISSING, "M0002") == (
        "/supervision/matters/M0002"
    )
    assert subject_href(FindingKind.MEETING_TASK_OVERDUE, "YP000001-T1") == (
        "/management/meetings/YP000001"
    )
    assert subject_href(FindingKind.NOTICE_TASK_OVERDUE, "TB-2025-3-T12") == (
        "/management/notices/TB-2025-3"
    )
