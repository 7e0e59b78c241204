"""python3 -m actionhost_celery ...: the actionhost-fleet command."""

import sys

from .fleet import main

sys.exit(main())
