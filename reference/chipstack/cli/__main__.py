"""``python -m chipstack.cli``: the same as the ``chipstack`` console script."""

import sys

from chipstack.cli import main

sys.exit(main())
