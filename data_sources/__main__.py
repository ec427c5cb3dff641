import sys

from data_sources.cli import main

sys.exit(main())
