"""Video clips in TensorBoard: one animated GIF grid written as an image summary.

TensorBoard's image plugin stores a summary as a string tensor [width, height, encoded image, ...] with the
plugin name "images" in its SummaryMetadata (what `tf.summary.image` writes with PNGs), and serves each encoded
image to the browser as is, so a GIF plays as an animation in the Images dashboard. `video_summary` writes one
such image: the first `max_outputs` clips tiled by `zoo.images.make_grid`, frame by frame, encoded by
`zoo.images.encode_gif`. The same approach as tensor2tensor's `gif_summary`, for TF2 summary writers.
References: tensorboard/plugins/image/summary_v2.py (tensor layout) and metadata.py (SummaryMetadata),
https://github.com/tensorflow/tensorboard/tree/master/tensorboard/plugins/image
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from zoo.images import encode_gif, video_grid_frames


def video_summary(name: str, clips, step=None, max_outputs: int = 8, fps: float = 8, ncols: int | None = None,
                  description: str | None = None) -> bool:
    """Write uint8 clips NTHWC (1 or 3 channels; a tensor or array) as one animated GIF grid image summary.

    The first `max_outputs` clips, `ncols` per row (default ceil(sqrt(n))), at `fps` frames per second.
    `step` defaults to `tf.summary.experimental.get_step()`. The GIF is encoded in Python (Pillow) only when a
    default summary writer is set, so call this eagerly, outside `tf.function`. Returns True when written,
    False without a default writer (as `tf.summary.write`).
    """
    from tensorboard.plugins.image import metadata

    if int(max_outputs) < 1:
        raise ValueError(f"max_outputs must be >= 1, got {max_outputs!r}")

    def tensor():
        frames = video_grid_frames(np.asarray(clips)[:int(max_outputs)], ncols)
        height, width = frames[0].shape[:2]
        return tf.constant([str(width).encode(), str(height).encode(), encode_gif(frames, fps)], tf.string)

    with tf.summary.experimental.summary_scope(name, "video_summary", values=[]) as (tag, _):
        return tf.summary.write(tag=tag, tensor=tensor, step=step,
                                metadata=metadata.create_summary_metadata(display_name=None, description=description))
