"""Runnable demos: each module has main(argv) and runs as `python -m demos.NAME`."""
