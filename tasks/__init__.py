"""Tasks: what is measured. One family per package; each registers its tasks in its __init__."""
