"""`python -m app.cli ...`, the same as `ecoleads ...`."""

from app.cli.main import main

main()
