"""`python -m api.dialogue lint [PATHS...]` and `python -m api.dialogue schema-doc`."""

import sys

from api.dialogue.cli import run

sys.exit(run())
