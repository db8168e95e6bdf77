"""Compiled sampling: the forward passes of `GANGenerator.sample` as cached `tf.function`s.

`sampling_functions(g)` is one `SamplingFunctions` per generator: one `tf.function` per (samples in the pass,
labels given, truncation given, standing statistics given), traced once; the seed only changes z, and psi (the
truncation of families that truncate inside `call`) and the batch-norm standing statistics of a truncation
(`zoo.models.standing_stats`, read through a `keras.StatelessScope` instead of the running statistics) are
graph inputs, so neither the seed nor the truncation retraces. What makes a pass faster than a plain
`tf.function(lambda z: g(z, training=False))` of the same batch while giving the same images bit for bit:

- the pass is split into `PARALLEL_CHUNKS` (or more) independent chunks in one graph, which the executor
  runs side by side: a single batch leaves the second core partly idle through the small or serial ops
  (batch norm, upsampling, FIR resampling, TGANv2's ConvLSTM steps, the code decoder's group norm; a plain
  tf.function keeps 1.7-1.87 of 2 cores busy, measured by `benchmarks/sampling.py`), two chunks fill it;
- the uint8 conversion (`to_uint8_tf`) happens in the graph, so a quarter of the bytes leave it;
- the Grappler passes that reassociate float arithmetic (`REASSOCIATING_PASSES`) are off for these functions
  only (`exact_float_graphs`), so every pixel equals the eager `to_uint8(g(z))` of the pass, which is what
  `sample` returned before it was compiled (the passes left on, e.g. the remapper's Conv2D + BiasAdd +
  activation fusions, keep the numbers).

Chunks start at multiples of `ROW_BLOCK` samples and none is a lone remainder (`chunk_slices`): oneDNN's
matmul / convolution results for a sample depend on its block of 8 rows and on the size of the last, partial
block, not on the batch size (measured), so each chunk computes what the whole pass computes.
"""

from __future__ import annotations

import contextlib
import copy

import keras
import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
from tensorflow.python.eager import context

# Grappler passes that change float results of zoo's generators (measured against eager): the arithmetic
# optimizer (it rewrites sums of products such as the FIR filter's) and constant folding (which, with the
# remapper, changes the latent code decoder's results)
REASSOCIATING_PASSES = ("arithmetic_optimization", "constant_folding")
PARALLEL_CHUNKS = 2  # chunks a pass is split into (at least): one per core of the machines zoo targets
ROW_BLOCK = 8  # chunk boundaries at multiples of this many samples


def to_uint8_tf(x: tf.Tensor) -> tf.Tensor:
    """`zoo.images.to_uint8` in TF ops: [-1, 1] float -> uint8; tf.round rounds half to even like np.rint, so
    the result is bit-identical to the NumPy version for the same float input."""
    x = tf.cast(x, tf.float32)
    return tf.cast(tf.clip_by_value(tf.round((x + 1.0) * 127.5), 0.0, 255.0), tf.uint8)


@contextlib.contextmanager
def exact_float_graphs():
    """Within the block (this thread only), functions are optimized without `REASSOCIATING_PASSES`.

    TF takes a function call's Grappler config from the thread's function-call options (the mechanism of the
    public `tf.experimental.function_executor_type`, here through `tensorflow.python.eager.context`: TF has
    no public per-function switch) and optimizes a concrete function when it is first called; the sampling
    functions are only ever called inside this block."""
    ctx = context.context()
    previous = copy.copy(ctx.function_call_options)
    config = config_pb2.ConfigProto()
    config.ParseFromString(previous.config_proto_serialized)
    for name in REASSOCIATING_PASSES:
        setattr(config.graph_options.rewrite_options, name, rewriter_config_pb2.RewriterConfig.OFF)
    ctx.function_call_options.config_proto_serialized = config
    try:
        yield
    finally:
        ctx.function_call_options = previous


def chunk_rows(num: int, largest: int) -> int:
    """Samples per chunk of a pass of `num`: `num` / `PARALLEL_CHUNKS` rounded up to a multiple of
    `ROW_BLOCK`, at most `largest` (the family's `sample_chunk`, to bound the activations' memory)."""
    half = -(-int(num) // PARALLEL_CHUNKS)
    return max(1, min(int(largest), -(-half // ROW_BLOCK) * ROW_BLOCK))


def chunk_slices(num: int, chunk: int) -> list:
    """The chunks of a pass of `num` samples: `chunk` samples each, the last one holding the rest; a rest of
    fewer than `ROW_BLOCK` samples joins the chunk before it, so that it stays the tail of a block-aligned
    batch as in the whole pass (a batch smaller than a block takes other kernels: other float results)."""
    starts = list(range(0, int(num), int(chunk)))
    if len(starts) > 1 and num - starts[-1] < ROW_BLOCK:
        starts.pop()
    return [slice(a, b) for a, b in zip(starts, starts[1:] + [int(num)])]


class SamplingFunctions:
    """The compiled passes of one generator: `images(z, labels, truncation)` -> uint8 numpy images.

    Not tracked by Keras or tf.Module (the generator holds it outside its attributes), so it is neither
    saved nor copied with the model.
    """

    def __init__(self, generator):
        self.generator = generator
        self.functions = {}

    def images(self, z, labels=None, truncation=None, standing=None) -> np.ndarray:
        """uint8 images (NHWC; video NTHWC) of one pass, bit-identical to the eager
        `to_uint8(generator(z, labels, truncation=truncation))` (`truncation` only for families that
        truncate inside `call`); `standing`: (variables, values), batch-norm statistics read instead of the
        running ones (`zoo.models.standing_stats.StandingStatistics`: its `variables` and a `get(T)`),
        bit-identical to the eager call inside its `scope(values)`."""
        args = [np.asarray(z, np.float32)]
        if labels is not None:
            args.append(np.asarray(labels, np.int32))
        if truncation is not None:
            args.append(np.float32(truncation))
        variables = list(standing[0]) if standing else []
        args += [np.asarray(v, np.float32) for v in (standing[1] if variables else [])]
        fn = self.function(len(args[0]), labels is not None, truncation is not None, variables)
        with exact_float_graphs():
            return fn(*args).numpy()

    def forward_images(self, name: str, forward, *inputs) -> np.ndarray:
        """uint8 images of another forward pass than `call`: `forward(*chunk_inputs)` -> float images in
        [-1, 1] (e.g. StyleGAN2's synthesis from ws for a latent walk, `zoo.interpolation`). Every input is a
        float32 batch-major array; compiled once per (`name`, input shapes) with the chunks, exact float graphs
        and in-graph uint8 conversion of `images` (`name` must always mean the same `forward`)."""
        args = [np.asarray(x, np.float32) for x in inputs]
        key = (str(name),) + tuple(x.shape for x in args)
        if key not in self.functions:
            self.functions[key] = self._compile_forward(forward, [tf.TensorSpec(x.shape, tf.float32) for x in args])
        with exact_float_graphs():
            return self.functions[key](*args).numpy()

    def _compile_forward(self, forward, specs):
        num = int(specs[0].shape[0])
        chunk = chunk_rows(num, self.generator.sample_chunk)

        def one_pass(*args):
            outs = [to_uint8_tf(forward(*[x[rows] for x in args])) for rows in chunk_slices(num, chunk)]
            return outs[0] if len(outs) == 1 else tf.concat(outs, axis=0)

        return tf.function(one_pass, input_signature=specs, autograph=False)

    def function(self, num: int, conditional: bool, truncated: bool, standing_variables=()):
        """The `tf.function` of a pass of `num` samples (compiled on first use); `standing_variables`: the
        variables whose values are inputs of the function (after z, labels, truncation), read in their place
        (the key counts them: a generator's batch-norm statistics are always the same variables)."""
        key = (int(num), bool(conditional), bool(truncated), len(standing_variables))
        if key not in self.functions:
            self.functions[key] = self._compile(*key[:3], list(standing_variables))
        return self.functions[key]

    def tracing_counts(self) -> dict:
        """{(samples, conditional, truncated, standing statistics): times its function was
        traced} (1 each once called); the
        functions of `forward_images` are keyed (name, *input shapes)."""
        return {key: fn.experimental_get_tracing_count() for key, fn in self.functions.items()}

    def _compile(self, num: int, conditional: bool, truncated: bool, standing_variables: list):
        generator = self.generator
        chunk = chunk_rows(num, generator.sample_chunk)
        specs = [tf.TensorSpec([num, generator.latent_dim], tf.float32, name="z")]
        if conditional:
            specs.append(tf.TensorSpec([num], tf.int32, name="labels"))
        if truncated:
            specs.append(tf.TensorSpec([], tf.float32, name="truncation"))
        specs += [tf.TensorSpec(v.shape, tf.float32) for v in standing_variables]

        def one_pass(z, *extra):
            extra = list(extra)
            labels = extra.pop(0) if conditional else None
            kwargs = {"truncation": extra.pop(0)} if truncated else {}
            scope = keras.StatelessScope(state_mapping=list(zip(standing_variables, extra))) \
                if standing_variables else contextlib.nullcontext()
            outs = []
            with scope:
                for rows in chunk_slices(num, chunk):  # independent chunks: the executor runs them side by side
                    x = generator(z[rows], labels=None if labels is None else labels[rows], training=False,
                                  **kwargs)
                    outs.append(to_uint8_tf(x))
            return outs[0] if len(outs) == 1 else tf.concat(outs, axis=0)

        return tf.function(one_pass, input_signature=specs, autograph=False)

    def __deepcopy__(self, memo):
        """None: a copy of the generator compiles its own functions (these close over the original)."""
        return None


def sampling_functions(generator) -> SamplingFunctions:
    """The generator's `SamplingFunctions`, created on first use and kept on the generator outside Keras'
    attribute tracking (see `SamplingFunctions`)."""
    functions = generator.__dict__.get("_zoo_sampling_functions")
    if functions is None or functions.generator is not generator:
        functions = SamplingFunctions(generator)
        object.__setattr__(generator, "_zoo_sampling_functions", functions)
    return functions
