"""Per-example test outputs: the runner's parquet file, and each family's columns recomputing its metrics.

The unit tests compare the columns with the metrics on random predictions; the run tests recompute a
record's metrics from the file a smoke run left beside it."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
import torch

from harness.config import compose
from harness.per_example import write as write_per_example
from harness.rundir import PER_EXAMPLE
from harness.runner import run


def test_written_file_round_trips_and_is_described(tmp_path):
    features = np.arange(12, dtype=np.float32).reshape(3, 4)
    columns = {"example_id": np.array([2, 0, 1]), "correct": np.array([True, False, True]),
               "features": features, "boxes": [[[0.0, 1.0, 2.0, 3.0]], [], [[1.0, 1.0, 2.0, 2.0]] * 2]}
    ref = write_per_example(columns, tmp_path / PER_EXAMPLE)
    assert [p.name for p in tmp_path.iterdir()] == [PER_EXAMPLE]  # no temporary file left behind
    assert ref.sha256 == hashlib.sha256((tmp_path / PER_EXAMPLE).read_bytes()).hexdigest()
    assert (ref.file, ref.rows, ref.columns) == (PER_EXAMPLE, 3, list(columns))
    frame = pd.read_parquet(tmp_path / PER_EXAMPLE)
    assert frame["correct"].tolist() == [True, False, True]
    np.testing.assert_array_equal(np.stack(frame["features"]), features)
    assert [len(b) for b in frame["boxes"]] == [1, 0, 2]


@pytest.mark.parametrize(("columns", "message"), [
    ({"correct": [True]}, "need example_id"),
    ({"example_id": [0, 1], "correct": [True]}, "one length each"),
    ({"example_id": [0, 0], "correct": [True, False]}, "gathered twice"),
])
def test_broken_columns_are_refused_before_writing(tmp_path, columns, message):
    with pytest.raises(ValueError, match=message):
        write_per_example(columns, tmp_path / PER_EXAMPLE)
    assert not list(tmp_path.iterdir())


def test_pixel_counts_recompute_the_segmentation_metrics():
    from tasks.scenes.data import IGNORE_INDEX
    from tasks.segmentation.protocol import SegmentationMetrics, metrics_from_counts, pixel_counts

    gen, k = torch.Generator().manual_seed(0), 6
    preds = torch.randint(0, k - 1, (7, 9, 11), generator=gen)  # class 5 never predicted...
    masks = torch.randint(0, k - 1, (7, 9, 11), generator=gen)  # ...nor true: left out of the mean
    masks[torch.rand(masks.shape, generator=gen) < 0.2] = IGNORE_INDEX
    expected = SegmentationMetrics(k)
    expected.update(preds, masks)
    counts = [pixel_counts(preds[i:i + 3], masks[i:i + 3], k) for i in range(0, 7, 3)]  # batches of 3, 3, 1
    intersection, union, labelled = (torch.cat(c).numpy() for c in zip(*counts, strict=True))
    assert intersection.shape == union.shape == (7, k) and union[:, 5].sum() == 0
    assert labelled.sum() == (masks != IGNORE_INDEX).sum()
    got = metrics_from_counts(intersection, union, labelled)
    assert got == pytest.approx(expected.compute(), abs=1e-6)


def test_retrieval_hits_average_to_recall_at_k():
    from tasks.multimodal.protocol import RECALL_KS, recall_at_k, retrieval_columns

    n, k = 13, 3
    scores = torch.randn(n, n * k, generator=torch.Generator().manual_seed(1))
    positives = (torch.arange(n * k) // k)[None, :] == torch.arange(n)[:, None]
    columns = retrieval_columns(scores, positives, k)
    i2t, t2i = recall_at_k(scores, positives, RECALL_KS), recall_at_k(scores.T, positives.T, RECALL_KS)
    for r in RECALL_KS:
        assert columns[f"i2t_hit@{r}"].mean() == pytest.approx(i2t[r], abs=1e-6)
        assert columns[f"t2i_hit@{r}"].shape == (n, k)
        assert columns[f"t2i_hit@{r}"].mean() == pytest.approx(t2i[r], abs=1e-6)


def test_video_columns_average_to_the_metrics():
    from tasks.video.protocol import VideoProtocol

    protocol = VideoProtocol(num_classes=8, views=3, twins=(1, 0, 3, 2, 5, 4, 7, 6))
    logits = torch.randn(30, 8, generator=torch.Generator().manual_seed(2))
    videos = torch.arange(30) // 3
    labels = videos % 8
    metrics, frame = protocol.metrics(logits, labels, videos), pd.DataFrame(protocol.columns(logits, labels, videos))
    assert frame["clip_correct"].mean() == pytest.approx(metrics["clip_top1"], abs=1e-6)
    assert frame["clip_top5_correct"].mean() == pytest.approx(metrics["clip_top5"], abs=1e-6)
    per_video = frame.drop_duplicates("video_index")
    assert per_video["video_correct"].mean() == pytest.approx(metrics["video_top1"], abs=1e-6)
    assert frame["reversal_score"].mean() == pytest.approx(metrics["reversal_accuracy"], abs=1e-12)


def _run(smoke_args, task: str, method: str):
    result = run(compose(smoke_args(task, method)))
    return result.record, pd.read_parquet(result.run_dir / result.record.per_example.file)


def test_accuracy_recomputed_from_the_file_matches_the_record(smoke_args):
    record, frame = _run(smoke_args, "digits", "cnn")
    assert (frame["prediction"] == frame["label"]).equals(frame["correct"])
    assert frame["correct"].mean() == pytest.approx(record.metrics["accuracy"], abs=1e-6)


def test_miou_recomputed_from_the_file_matches_the_record(smoke_args):
    from tasks.segmentation.protocol import metrics_from_counts

    record, frame = _run(smoke_args, "shapes-seg", "unet")
    got = metrics_from_counts(np.stack(frame["intersection"]), np.stack(frame["union"]),
                              frame["labelled_pixels"].to_numpy())
    assert got == pytest.approx({k: record.metrics[k] for k in got}, abs=1e-6)


def test_map_recomputed_from_the_file_matches_the_record(smoke_args):
    from tasks.detection.protocol import detection_items, detection_metrics

    record, frame = _run(smoke_args, "shapes-det", "centernet")
    assert detection_metrics(detection_items(frame.to_dict("list"))) == {k: record.metrics[k] for k in
                                                                         ("mAP", "mAP50", "mAP75")}
