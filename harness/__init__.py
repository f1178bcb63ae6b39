"""dlbench harness: the engine (registry, config, runner, records) and the `bench` CLI."""

__version__ = "0.1.0"
