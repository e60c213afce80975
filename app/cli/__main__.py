"""`python -m app.cli`: the same as the `studycircle` script."""

from app.cli.main import main

raise SystemExit(main())
