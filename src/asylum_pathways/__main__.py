"""`python -m asylum_pathways` runs the CLI."""

from asylum_pathways.cli.app import main

# Guarded: worker processes started by "spawn" import this module as __mp_main__.
if __name__ == "__main__":
    main()
