"""Synthetic scenes of coloured shapes (numpy and PIL only), shared by the task families that need
them. No task is registered here: `tasks/detection/` serves the scenes as detection and
segmentation tasks; other families may reuse `tasks.shapes.generator`."""
