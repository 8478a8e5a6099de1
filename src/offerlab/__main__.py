"""``python -m offerlab``."""

from offerlab.cli import main

main()
