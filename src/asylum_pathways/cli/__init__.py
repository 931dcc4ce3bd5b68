"""The `asylum-pathways` command line."""
