"""Leaderboard: turns run records into checked submissions, tables and reproductions."""
