"""`python -m component` is the `segment-component` CLI."""

import sys

from component.cli import main

sys.exit(main())
