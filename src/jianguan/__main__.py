"""`python -m jianguan` runs the CLI."""

from jianguan.entrypoints.cli import main

main()
