"""The video family: the moving-shapes generator's motions, clip sampling, the clip/video metrics,
frame-avg's blindness to frame order, and UCF101 read from a tiny local copy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harness import registry
from harness.config import DataConfig
from harness.errors import UserError
from tasks.video import MOTIONS
from tasks.video.generator import TWIN, render_video


def _foreground(video: np.ndarray) -> np.ndarray:
    return video.mean(axis=-1) > 110  # shapes are at least 120 in every channel, the background at most ~100


def test_generator_is_deterministic_balanced_and_shows_its_motion():
    a, label = render_video(5, 3)
    b, _ = render_video(5, 3)
    assert np.array_equal(a, b) and a.shape == (16, 32, 32, 3) and a.dtype == np.uint8
    assert [render_video(5, i)[1] for i in range(8)] == list(range(8))
    for index in range(40):
        video, label = render_video(7, index)
        mask = _foreground(video[[0, -1]])
        ys, xs = (np.array([np.nonzero(m)[k].mean() for m in mask]) for k in (0, 1))
        motion = MOTIONS[label]
        if motion in ("left", "right"):
            assert np.sign(xs[1] - xs[0]) == (1 if motion == "right" else -1), index
        elif motion in ("up", "down"):
            assert np.sign(ys[1] - ys[0]) == (1 if motion == "down" else -1), index
        elif motion in ("grow", "shrink"):
            assert np.sign(mask[1].sum() - mask[0].sum()) == (1 if motion == "grow" else -1), index
    assert all(TWIN[TWIN[c]] == c and TWIN[c] != c for c in range(len(MOTIONS)))


def test_clips_cover_each_video_in_eval_and_jitter_in_training():
    from tasks.video.clips import VideoClips

    videos = torch.arange(3 * 16, dtype=torch.uint8).view(3, 16, 1, 1, 1).expand(3, 16, 1, 2, 2).contiguous()
    test = VideoClips(videos, torch.tensor([0, 1, 2]), clip_len=8, views=2, train=False)
    assert len(test) == 6
    batch = test.__getitems__(list(range(6)))
    assert batch["video_index"].tolist() == [0, 0, 1, 1, 2, 2]
    firsts = (batch["pixel_values"][:, :, 0, 0, 0] * 255).round().long()
    assert firsts[0].tolist() == list(range(8)) and firsts[1].tolist() == list(range(8, 16))  # both ends covered
    train = VideoClips(videos, torch.tensor([0, 1, 2]), clip_len=8, views=2, train=True)
    assert len(train) == 3
    torch.manual_seed(0)
    starts = {int((train.__getitems__([1])["pixel_values"][0, 0, 0, 0, 0] * 255).round()) - 16 for _ in range(50)}
    assert len(starts) > 3 and min(starts) >= 0 and max(starts) <= 8  # random, always inside the video


def test_video_metrics_average_views_and_score_reversals():
    from tasks.video.protocol import VideoProtocol

    protocol = VideoProtocol(num_classes=8, views=2, twins=TWIN)
    # video 0 (class 0): one wrong view with low confidence, one right with high -> the video is right
    # video 1 (class 2): both views prefer its twin (class 3) -> wrong, and both reversals wrong
    logits = torch.full((4, 8), -5.0)
    logits[0, 0], logits[0, 1] = 0.0, 0.5
    logits[1, 0] = 6.0
    logits[2, 3], logits[3, 3] = 4.0, 4.0
    logits[2, 2], logits[3, 2] = 3.0, 3.0
    m = protocol.metrics(logits, torch.tensor([0, 0, 2, 2]), torch.tensor([0, 0, 1, 1]))
    assert m["clip_top1"] == pytest.approx(0.25)
    assert m["clip_top5"] == 1.0
    assert m["video_top1"] == pytest.approx(0.5)
    assert m["views"] == 2.0
    assert m["reversal_accuracy"] == pytest.approx(0.25)
    tied = protocol.metrics(torch.zeros(2, 8), torch.tensor([0, 1]), torch.tensor([0, 1]))
    assert tied["reversal_accuracy"] == 0.5  # a model that cannot tell the twins apart scores chance


def test_frame_avg_ignores_frame_order_and_r3d_does_not():
    from harness.contracts import TaskInfo

    info = TaskInfo("x", "video", (8, 3, 32, 32), 8)
    clip = torch.rand(2, 8, 3, 32, 32)
    for name, invariant in (("frame-avg", True), ("r3d", False)):
        spec = registry.get_method(name)
        torch.manual_seed(0)
        model = spec.build(info, spec.params(width=4, stages=2)).eval()
        with torch.no_grad():
            same = torch.allclose(model(clip), model(clip.flip(1)), atol=1e-5)
        assert same == invariant, name


def test_moving_shapes_smoke_prefix_equals_the_full_split(tmp_path):
    task = registry.get_task("moving-shapes")
    small = task.build(DataConfig(cache_dir=str(tmp_path), train_size=16, eval_size=8), "smoke")
    assert len(small.test) == 8 * 2 and small.info.extra["views"] == 2
    video, label = render_video(21, 5)  # train split seed; video 5
    assert np.array_equal(small.train.videos[5].permute(0, 2, 3, 1).numpy(), video)
    assert int(small.train.labels[5]) == label


def test_ucf101_reads_a_rawframes_copy(hub_fixtures):
    task = registry.get_task("ucf101")
    data = task.build(DataConfig(path=str(hub_fixtures["ucf101"])), "default")
    assert data.info.num_classes == 101 and data.info.input_shape == (8, 3, 112, 112)
    assert (len(data.train), len(data.val.videos), len(data.test.videos)) == (6, 3, 6)  # group 25 is val
    batch = data.test.__getitems__([0, 1])
    assert batch["pixel_values"].shape == (2, 8, 3, 112, 112) and batch["labels"].max() < 3


def test_ucf101_bad_input_is_one_user_error(tmp_path, hub_fixtures):
    import shutil

    build = registry.get_task("ucf101").build
    with pytest.raises(UserError, match="data.path=DIR"):
        build(DataConfig(cache_dir=str(tmp_path)), "smoke")
    with pytest.raises(UserError, match="ucfTrainTestlist"):
        build(DataConfig(path=str(tmp_path), cache_dir=str(tmp_path)), "smoke")
    copy = tmp_path / "copy"
    shutil.copytree(hub_fixtures["ucf101"], copy)
    shutil.rmtree(next((copy / "UCF-101" / "Action000").iterdir()))
    with pytest.raises(UserError, match="neither a video file nor a folder of frames"):
        build(DataConfig(path=str(copy), cache_dir=str(tmp_path)), "smoke")


def test_ucf101_decodes_avi_files_with_pyav(tmp_path):
    av = pytest.importorskip("av")
    from tasks.video.ucf101 import load_video

    file = tmp_path / "UCF-101" / "A" / "v_A_g01_c01.avi"
    file.parent.mkdir(parents=True)
    with av.open(str(file), "w") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for t in range(30):
            frame = np.full((48, 64, 3), 8 * t, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
    video = load_video(tmp_path, "A/v_A_g01_c01.avi", frames=4, side=32)
    assert video.shape == (4, 32, 32, 3)
    assert video[0].mean() < video[-1].mean()  # evenly spaced from the first to the last frame
