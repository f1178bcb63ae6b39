"""Synthetic scenes of coloured shapes (numpy and PIL only), shared by the task families that need
them. No task is registered here: `tasks/detection/` serves the scenes as detection and
segmentation tasks; other families may reuse `tasks.shapes.generator`."""

# read by the family packages at registration: here, not in generator.py, so that `bench list` imports no numpy
GENERATOR_VERSION = "1"  # bump with any change to render_scene that alters a pixel or a label
CLASSES = ("circle", "square", "triangle", "star")
OBJECT_VERSION = "1"  # bump with any change to render_object (the generative tasks carry it)
DECIDING_VERSION = "1"  # bump with any change to tasks/shapes/deciding.py that alters a pixel, a label or a mask
