"""Worked examples run by the tests (not installed): plugins loaded with DLBENCH_PLUGINS."""
