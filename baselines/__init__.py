"""Baselines: what tasks are measured with. One method family per module."""
