"""The rule packs: the law as data, each entry with its citation (periods, monitoring, …)."""
