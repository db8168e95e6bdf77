"""`export_serving`: a generator as a TF Serving model directory whose signatures need no zoo code.

Layout written (the one TF Serving watches): `<directory>/<version>/saved_model.pb` + `variables/`.

The signatures follow the published model's own `sample` (`zoo.models.base.GANGenerator`): its `latent_dim`,
its labels (`num_classes`), its truncation (`truncates_in_call`, `latents_tf`) and its `output_kind`. Every
input is typed and shaped: a wrong dtype or shape is refused at call time.

- `serving_default(z float32[N, latent_dim] [, labels int32[N]])` -> `{"images": uint8[N, H, W, C]}`
  (`output_kind` "video": `[N, T, H, W, C]`): no truncation (psi = 1 for StyleGAN2), so a client sends z (and
  labels) only. `labels` only for class-conditional generators (`num_classes > 0`).
- `serving_truncated(z float32[N, latent_dim] [, labels int32[N]], truncation float32[])` (families that
  truncate inside `call`, `truncates_in_call`: e.g. StyleGAN2's psi in w-space): the same with the truncation
  applied by the network. A z-space family has none: there the truncation is the client's choice of z (or
  `sample_truncated` draws it on the server).
- `sample(seed int64[], num int32[] [, labels int32[num]])` -> `{"images": ...}`: no truncation; z is the model's
  `latents_tf(num, seed)` (by default TensorFlow's stateless RNG,
  `tf.random.stateless_normal([num, latent_dim], seed=[seed, 0])`), so the same seed gives the same images on
  every call and server, but NOT the images of `g.sample(num, seed)`, whose z comes from NumPy.
- `sample_truncated(seed int64[], num int32[] [, labels int32[num]], truncation float32[])` (every family with a
  truncation): z-space families (`truncates_in_call` False) truncate on the server, z = `latents_tf(num, seed,
  truncation)`: by default z drawn as in `sample`, then every |z| > truncation redrawn (stateless, seed
  folded with the round) until all lie in [-truncation, truncation] (Brock et al. 2019, Sec. 3.1); a family
  that truncates in `call` draws z as `sample` does and passes `truncation` (psi) to the network.
  truncation must be > 0 for z-space families (a threshold); psi goes to the network as it is. Not exported for a family without
  truncation, whose `latents` refuses one (TGANv2: z ~ U(-1, 1); its `sample` and `serving_default` are the
  whole interface).

Batch norm under truncation (`zoo.models.standing_stats`): a generator with batch norm normalises a truncation T
by the standing statistics of T, as `g.sample(..., truncation=T)` does. The export bakes them for a set of
truncations given at export time (`truncations`, default `STANDING_TRUNCATIONS` = 0.25, 0.5, 0.75, 1.0; CLI
`zoo export NAME --truncations 0.25,0.5,1.0`): one table [len(truncations), C] per BN statistic, saved with the
variables. The truncated signatures (`sample_truncated`, and `serving_truncated` of a family that truncates in
`call`) then take a truncation only from that set (float32-equal; any other is refused with an
InvalidArgumentError naming the set) and normalise with its statistics. `standing_stats=False` (CLI
`--no-standing-stats`) exports the running statistics for every truncation, as before. The untruncated
signatures always use the running statistics; a client that truncates z itself and sends it to
`serving_default` gets the running ones too (use `sample_truncated` for truncated samples). A generator without
batch norm (StyleGAN2, the two-stage model's decoder-only parts) bakes nothing.

`signature_names(path)` reads the names back from a written export (`zoo export` prints them).

A video generator (`output_kind` "video", e.g. TGANv2) gives clips uint8 `[N, T, H, W, C]` in every signature,
with the z of its own `latents_tf` in the seed-driven ones (U(-1, 1) for TGANv2).

uint8 conversion is `zoo.images.to_uint8` written in TF ops: `clip(round_half_to_even((x + 1) * 127.5), 0, 255)`
in float32, bit-identical to the NumPy version for the same float input.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from zoo.models.compiled_sampling import to_uint8_tf  # the conversion `g.sample` does in its graph
from zoo.models.latents import MIN_TRUNCATION
from zoo.models.standing_stats import standing_statistics

STANDING_TRUNCATIONS = (0.25, 0.5, 0.75, 1.0)  # the truncations whose standing statistics are baked by default


def truncates_latents(generator) -> bool:
    """True when the family truncates z (`latents(..., truncation=t)` accepts t); False when it declares
    `truncation_space = "none"` or its `latents` refuses any truncation with a ValueError (TGANv2's uniform z has
    no truncation trick)."""
    if getattr(type(generator), "truncation_space", None) == "none":
        return False
    try:
        generator.latents(1, seed=0, truncation=1.0)
    except ValueError:
        return False
    return True


class ServingModule(tf.Module):
    """A `tf.Module` holding a generator's variables and its serving functions (see the module docstring).

    Args:
        generator: a built `zoo.models.base.GANGenerator`; its `latents_tf`, `truncates_in_call`,
            `num_classes` and `output_kind` decide the signatures.
        standing_truncations: the truncations whose batch-norm standing statistics the truncated signatures
            use (`generator.standing_stats`: the cached ones, else computed with the defaults); () or a
            generator without batch norm: the running statistics.

    Example:
        >>> module = ServingModule(g)
        >>> module.serving_default(tf.zeros([2, g.latent_dim]))["images"].dtype
        tf.uint8
        >>> sorted(module.signatures())
        ['sample', 'sample_truncated', 'serving_default']
    """

    def __init__(self, generator, standing_truncations=()):
        super().__init__(name="zoo_generator")
        # bound methods are not trackable: the Keras object graph stays out of the SavedModel, only the
        # variables (listed below) and the traced functions are saved
        self._call_generator = generator.__call__
        self._latents = generator.latents_tf
        self.model_variables = list(generator.variables)
        self.latent_dim = int(generator.latent_dim)
        self.num_classes = int(generator.num_classes)
        self.output_rank = {"image": 4, "video": 5}[generator.output_kind]
        self.in_call = bool(generator.truncates_in_call)  # truncation (psi) is an argument of the network's call
        stats = standing_statistics(generator)
        grid = [float(t) for t in standing_truncations] if stats else []
        self._standing_variables = stats.variables if grid else []
        self._standing_grid = grid
        # one table per BN statistic, row i for truncation grid[i] (tracked: saved with the variables)
        self.standing_tables = [tf.Variable(np.stack(rows), trainable=False, name="standing_statistics")
                                for rows in zip(*[stats.get(t) for t in grid])]
        self.serving_default = self._function(self._serving_fn(truncated=False), z=True, truncated=False)
        self.sample = self._function(self._sample_fn(truncated=False), z=False, truncated=False)
        if self.in_call:
            self.serving_truncated = self._function(self._serving_fn(truncated=True), z=True, truncated=True)
        if self.in_call or truncates_latents(generator):
            self.sample_truncated = self._function(self._sample_fn(truncated=True), z=False, truncated=True)

    def signatures(self) -> dict:
        """{signature name: concrete function} of every signature this module serves."""
        names = ("serving_default", "serving_truncated", "sample", "sample_truncated")
        return {name: getattr(self, name).get_concrete_function() for name in names if hasattr(self, name)}

    def _function(self, fn, z: bool, truncated: bool):
        return tf.function(_typed(fn, self._specs(z, truncated)), input_signature=self._specs(z, truncated),
                           autograph=False)

    def _specs(self, z: bool, truncated: bool) -> list:
        if z:
            specs = [tf.TensorSpec([None, self.latent_dim], tf.float32, name="z")]
        else:
            specs = [tf.TensorSpec([], tf.int64, name="seed"), tf.TensorSpec([], tf.int32, name="num")]
        if self.num_classes:
            specs.append(tf.TensorSpec([None], tf.int32, name="labels"))
        if truncated:
            specs.append(tf.TensorSpec([], tf.float32, name="truncation"))
        return specs

    def _generate(self, z, labels=None, truncation=None, standing=None):
        """uint8 images of the network; `standing`: the truncation whose baked standing statistics to use."""
        if labels is not None:
            labels = self._check_labels(labels, tf.shape(z)[0])
        kwargs = {"truncation": truncation} if truncation is not None else {}
        with self._standing_scope(standing):
            images = self._call_generator(z, labels=labels, training=False, **kwargs)
        if images.shape.rank != self.output_rank:
            raise ValueError(f"the generator's output has shape {images.shape}, but its output_kind promises "
                             f"rank {self.output_rank} (image NHWC: 4, video NTHWC: 5)")
        return {"images": to_uint8_tf(images)}

    def _standing_scope(self, truncation):
        """The context reading the baked statistics of `truncation` (refused unless it is one of
        `standing_truncations`), or a no-op context when nothing is baked or `truncation` is None."""
        if truncation is None or not self.standing_tables:
            return contextlib.nullcontext()
        found = tf.equal(tf.constant(self._standing_grid, tf.float32), truncation)
        values = ", ".join(f"{t:g}" for t in self._standing_grid)
        check = tf.debugging.Assert(tf.reduce_any(found), [
            f"truncation must be one of the truncations whose standing statistics were exported ({values}; "
            f"zoo export --truncations), got", truncation])
        with tf.control_dependencies([check]):
            row = tf.identity(tf.argmax(tf.cast(found, tf.int32), output_type=tf.int32))
        values = [tf.gather(table, row) for table in self.standing_tables]
        return keras.StatelessScope(state_mapping=list(zip(self._standing_variables, values)))

    def _check_labels(self, labels, batch):
        checks = [
            tf.debugging.assert_equal(tf.shape(labels)[0], batch,
                                      message="labels must have one entry per sample (shape [N])"),
            tf.debugging.assert_non_negative(labels, message="labels must be >= 0"),
            tf.debugging.assert_less(labels, tf.constant(self.num_classes, tf.int32),
                                     message=f"labels must be < num_classes = {self.num_classes}"),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(labels)

    def _split(self, extra, truncated: bool):
        """(labels or None, truncation or None) of the inputs after z / (seed, num)."""
        labels = extra[0] if self.num_classes else None
        truncation = extra[-1] if truncated else None
        return labels, truncation

    def _serving_fn(self, truncated: bool):
        def serving(z, *extra):
            labels, truncation = self._split(extra, truncated)
            return self._generate(z, labels, truncation, standing=truncation)
        serving.__name__ = "serving_truncated" if truncated else "serving_default"
        return serving

    def _sample_fn(self, truncated: bool):
        def sample(seed, num, *extra):
            labels, truncation = self._split(extra, truncated)
            checks = [tf.debugging.assert_positive(num, message="num must be >= 1")]
            if truncated and not self.in_call:
                checks.append(tf.debugging.assert_positive(truncation, message="truncation must be > 0"))
                checks.append(tf.debugging.assert_greater_equal(
                    truncation, MIN_TRUNCATION, message=f"truncation must be >= {MIN_TRUNCATION} (the truncation "
                                                        f"trick redraws each value about 1 / (0.8 T) times)"))
            with tf.control_dependencies(checks):
                num = tf.identity(num)
                truncation = None if truncation is None else tf.identity(truncation)
            if self.in_call:  # plain z; the network truncates (psi)
                return self._generate(self._latents(num, seed), labels, truncation, standing=truncation)
            z = self._latents(num, seed) if truncation is None else self._latents(num, seed, truncation)
            return self._generate(z, labels, standing=truncation)
        sample.__name__ = "sample_truncated" if truncated else "sample"
        return sample


def _typed(fn, specs):
    """`fn(*args)` as a function whose parameters are named after `specs` (they become the signature's input
    keys) and whose inputs are shape-checked at run time: a signature called through its SavedModel wrapper
    checks dtypes but not shapes, so `tf.ensure_shape` refuses e.g. z of the wrong latent size with a clear
    message instead of a matrix-size error deep inside the network."""
    names = [spec.name for spec in specs]
    params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]

    def wrapper(*args, **kwargs):
        bound = wrapper.__signature__.bind(*args, **kwargs)
        checked = [tf.ensure_shape(bound.arguments[spec.name], spec.shape, name=f"check_{spec.name}_shape")
                   for spec in specs]
        return fn(*checked)

    wrapper.__signature__ = inspect.Signature(params)
    wrapper.__name__ = fn.__name__
    return wrapper


def export_serving(generator, directory: str, version: int = 1, overwrite: bool = False, truncations=None,
                   standing_stats: bool = True) -> str:
    """Write `generator` as the TF Serving model `<directory>/<version>/`; returns that path.

    The version folder is written to a temporary sibling and renamed into place, so a server watching
    `directory` never sees a half-written version.

    Args:
        generator: a built zoo generator (e.g. `zoo.load(name)`).
        directory: the model's base directory (TF Serving's `--model_base_path`).
        version: positive integer version number.
        overwrite: replace an existing `<directory>/<version>` (refused otherwise).
        truncations: the truncations whose batch-norm standing statistics are baked for the truncated
            signatures (default `STANDING_TRUNCATIONS`); ignored by generators without batch norm.
        standing_stats: False: bake none (the truncated signatures use the running statistics, as before).

    Example:
        >>> zoo.export_serving(zoo.load("sngan-fmnist-32"), "serving/sngan-fmnist-32", version=1)
        'serving/sngan-fmnist-32/1'
    """
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer (TF Serving version folder), got {version!r}")
    target = os.path.join(directory, str(version))
    if os.path.exists(target) and not overwrite:
        raise FileExistsError(f"{target} already exists; pass overwrite=True (CLI: a new --version) to replace it")
    if not getattr(generator, "built", False) or not generator.variables:
        raise ValueError(f"{type(generator).__name__} is not built; call generator.build_for_inputs() first")
    grid = standing_grid(generator, truncations, standing_stats)
    module = ServingModule(generator, grid)
    signatures = module.signatures()
    os.makedirs(directory, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=directory)
    try:
        tf.saved_model.save(module, tmp, signatures=signatures)
        if os.path.exists(target):
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
    return target


def standing_grid(generator, truncations=None, standing_stats: bool = True) -> tuple:
    """The truncations whose standing statistics `export_serving` bakes: () when `standing_stats` is False, the
    generator has no batch norm or no truncation; else `truncations` (default `STANDING_TRUNCATIONS`), sorted
    and unique, each > 0 (ValueError otherwise)."""
    grid = STANDING_TRUNCATIONS if truncations is None else tuple(truncations)
    bad = [t for t in grid if isinstance(t, bool) or not isinstance(t, (int, float)) or not t > 0]
    if bad:
        raise ValueError(f"truncations must be numbers > 0, got {bad}")
    if not standing_stats or not standing_statistics(generator):
        return ()
    if not (generator.truncates_in_call or truncates_latents(generator)):
        return ()
    return tuple(sorted({float(t) for t in grid}))


def signature_names(path: str) -> list[str]:
    """Sorted names of the signatures of the SavedModel at `path` (a version folder `<dir>/<version>`), read
    from its saved_model.pb (no variables are loaded)."""
    from tensorflow.core.protobuf import saved_model_pb2

    saved = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as f:
        saved.ParseFromString(f.read())
    # every SavedModel also holds TF's internal "__saved_model_init_op" entry: not a signature a client calls
    return sorted({name for meta in saved.meta_graphs for name in meta.signature_def if not name.startswith("__")})
