"""`python -m asylum_pathways` runs the CLI."""

from asylum_pathways.cli.app import main

main()
