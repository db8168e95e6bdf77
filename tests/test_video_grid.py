"""Video grids as GIF and MP4 files, read back; the GIF grid as a TensorBoard image summary; `zoo sample --out`."""

import glob

import numpy as np
import pytest

from zoo.images import make_grid, save_video_grid


def random_videos(n=3, t=5, h=7, w=9, c=3, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, t, h, w, c), dtype=np.uint8)


def read_mp4(path):
    import cv2

    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    fps = capture.get(cv2.CAP_PROP_FPS)
    capture.release()
    return np.stack(frames), fps


@pytest.mark.parametrize("channels", [1, 3])
def test_gif_grid_frames_and_timing(tmp_path, channels):
    import imageio.v2 as imageio
    from PIL import Image

    videos = random_videos(c=channels)
    path = save_video_grid(videos, str(tmp_path / "sub" / "grid.gif"), ncols=2, fps=8)
    frames = imageio.mimread(path)
    grid = make_grid(videos[:, 0], ncols=2)
    assert len(frames) == 5 and frames[0].shape[:2] == grid.shape[:2] == (20, 24)
    with Image.open(path) as image:
        assert image.info["loop"] == 0 and image.info["duration"] == 120  # 1/8 s in whole hundredths
        if channels == 1:  # a gray grid fits the palette exactly
            np.testing.assert_array_equal(np.asarray(image.convert("L")), grid[..., 0])


@pytest.mark.parametrize("channels", [1, 3])
def test_mp4_grid_frame_count_and_even_size(tmp_path, channels):
    videos = random_videos(n=1, t=4, h=7, w=9, c=channels)  # grid 11x13: padded to 12x14 for the codec
    path = save_video_grid(videos, str(tmp_path / "grid.MP4"), fps=8)
    frames, fps = read_mp4(path)
    assert frames.shape == (4, 12, 14, 3) and fps == 8
    color = (128,) if channels == 1 else (200, 30, 60)  # RGB in; OpenCV reads BGR back
    flat = np.broadcast_to(np.array(color, np.uint8), (1, 4, 7, 9, channels))
    frames, _ = read_mp4(save_video_grid(flat, str(tmp_path / "flat.mp4")))
    expected = color * 3 if channels == 1 else color[::-1]
    assert np.abs(frames[0, 5, 6].astype(int) - expected).max() <= 16  # lossy, but the cell keeps its colour
    assert frames[0, -1, -1].min() >= 200  # the padding is white like the grid border


def test_other_extensions_and_bad_arrays_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.gif or \.mp4; got '.*grid\.avi'"):
        save_video_grid(random_videos(), str(tmp_path / "grid.avi"))
    with pytest.raises(ValueError, match="uint8 NTHWC"):
        save_video_grid(random_videos()[:, 0], str(tmp_path / "grid.gif"))
    with pytest.raises(ValueError, match="fps must be > 0"):
        save_video_grid(random_videos(), str(tmp_path / "grid.gif"), fps=0)


def test_video_summary_stores_a_gif_image(tmp_path):
    import tensorflow as tf

    from zoo.training.video_summary import video_summary

    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        assert video_summary("fake_clips", random_videos(n=10, c=1), step=3, max_outputs=4, fps=4)
    writer.close()
    assert not video_summary("no_writer", random_videos(), step=0)  # no default writer: nothing encoded
    values = [(event.step, value) for path in glob.glob(str(tmp_path / "events.out.tfevents.*"))
              for event in tf.compat.v1.train.summary_iterator(path) for value in event.summary.value]
    assert len(values) == 1
    step, value = values[0]
    assert step == 3 and value.tag == "fake_clips" and value.metadata.plugin_data.plugin_name == "images"
    width, height, gif = tf.make_ndarray(value.tensor)
    grid = make_grid(random_videos(n=4)[:, 0], ncols=2)
    assert (int(width), int(height)) == (grid.shape[1], grid.shape[0]) and gif.startswith(b"GIF8")


class FakeVideoGenerator:
    """The attributes `zoo sample` reads of a video generator (checked before it samples)."""

    num_classes = 0
    output_kind = "video"

    def sample(self, num, seed=0, labels=None, truncation=None, standing_stats=True):
        return random_videos(n=num, t=3, h=4, w=4, c=1, seed=seed)


def test_sample_command_writes_gif_or_mp4(tmp_path, monkeypatch, capsys):
    from zoo.cli import main
    from zoo.cli import support

    monkeypatch.setattr(support, "resolve_generator", lambda name: FakeVideoGenerator())
    assert main(["sample", "toy-video", "--num", "2", "--out", str(tmp_path / "clips.mp4")]) == 0
    assert read_mp4(tmp_path / "clips.mp4")[0].shape[0] == 3
    assert main(["sample", "toy-video", "--num", "2", "--out", str(tmp_path / "clips.gif")]) == 0
    assert main(["sample", "toy-video", "--num", "2", "--out", str(tmp_path / "clips.png")]) == 2
    assert "--out must end in .gif or .mp4, got" in capsys.readouterr().err
