"""Reading the whole rulebook: every rule pack shipped with the package, and what a deployment
keeps under its data folder (calendar notices added later, local powers lists, its own review
policy, its data-quality settings)."""

from __future__ import annotations

from pathlib import Path

from jianguan.adapters.assignment_file import default_policy
from jianguan.adapters.calendar_file import load_calendar
from jianguan.adapters.consultation_file import load_consultation
from jianguan.adapters.dataquality_file import load_dataquality
from jianguan.adapters.followup_file import default_followup_rules
from jianguan.adapters.indicator_file import default_catalogue
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.period_file import default_periods
from jianguan.adapters.powers_file import load_powers
from jianguan.adapters.responsibility_file import default_config
from jianguan.adapters.review_file import load_review_policy
from jianguan.adapters.selfcheck_file import default_selfcheck_rules
from jianguan.adapters.supervision_file import load_supervision_rules
from jianguan.domain.rulebook import Rulebook


def load_rulebook(data_dir: Path | None = None) -> Rulebook:
    """The packaged rule packs, with ``data_dir``'s additions; raises ``RulebookError``."""
    return Rulebook(
        periods=default_periods(),
        calendar=load_calendar(data_dir),
        monitoring=default_rules(),
        selfcheck=default_selfcheck_rules(),
        powers=load_powers(data_dir),
        assignment=default_policy(),
        review=load_review_policy(data_dir),
        responsibility=default_config(),
        indicators=default_catalogue(),
        followup=default_followup_rules(),
        supervision=load_supervision_rules(data_dir),
        consultation=load_consultation(data_dir),
        dataquality=load_dataquality(data_dir),
    )
