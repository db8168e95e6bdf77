import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import zoo
from tests.export.toy_generators import (ToyConditionalGenerator, ToyOwnLatentsGenerator, ToyVideoGenerator, latents,
                                        tiny_sngan, tiny_stylegan2)
from zoo.export import export_serving, to_uint8_tf
from zoo.images import to_uint8

# Runs in a fresh interpreter that imports TensorFlow (and tensorflow-serving-api) only: no zoo code.
FRESH_PROCESS = r"""
import json, sys
import numpy as np
import tensorflow as tf

path, ref = sys.argv[1], np.load(sys.argv[2])
loaded = tf.saved_model.load(path)
serve = loaded.signatures["serving_default"]
result = {"signatures": sorted(loaded.signatures),
          "inputs": {k: [v.dtype.name, v.shape.as_list()] for k, v in serve.structured_input_signature[1].items()},
          "outputs": {k: [v.dtype.name, v.shape.as_list()] for k, v in serve.structured_outputs.items()}}
out = serve(z=tf.constant(ref["z"]))["images"].numpy()
result["dtype"] = out.dtype.name
result["max_diff"] = int(np.abs(out.astype(np.int32) - ref["expected"].astype(np.int32)).max())
result["equal"] = bool(np.array_equal(out, ref["expected"]))

def error(fn):
    try:
        fn()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None

result["wrong_dtype"] = error(lambda: serve(z=tf.constant(ref["z"].astype(np.float64))))
result["wrong_shape"] = error(lambda: serve(z=tf.constant(ref["z"][:, :5])))
sample = loaded.signatures["sample"]
a = sample(seed=tf.constant(7, tf.int64), num=tf.constant(3, tf.int32))["images"].numpy()
b = sample(seed=tf.constant(7, tf.int64), num=tf.constant(3, tf.int32))["images"].numpy()
c = sample(seed=tf.constant(8, tf.int64), num=tf.constant(3, tf.int32))["images"].numpy()
result["sample"] = {"shape": list(a.shape), "dtype": a.dtype.name, "same_seed_equal": bool(np.array_equal(a, b)),
                    "other_seed_differs": bool(not np.array_equal(a, c))}
result["sample_num_zero"] = error(lambda: sample(seed=tf.constant(7, tf.int64), num=tf.constant(0, tf.int32)))

try:
    from tensorflow_serving.apis import predict_pb2
except ImportError as e:
    result["predict"] = f"skip: tensorflow-serving-api not importable ({e})"
else:
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "sngan-test-32"
    request.model_spec.signature_name = "serving_default"
    request.inputs["z"].CopyFrom(tf.make_tensor_proto(ref["z"]))
    wire = predict_pb2.PredictRequest.FromString(request.SerializeToString())
    signature = loaded.signatures[wire.model_spec.signature_name]
    feed = {k: tf.constant(tf.make_ndarray(v)) for k, v in wire.inputs.items()}
    outputs = signature(**feed)
    response = predict_pb2.PredictResponse()
    response.model_spec.CopyFrom(wire.model_spec)
    for k, v in outputs.items():
        response.outputs[k].CopyFrom(tf.make_tensor_proto(v.numpy()))
    served = tf.make_ndarray(response.outputs["images"])
    result["predict"] = {"input_keys": sorted(wire.inputs), "signature_keys": sorted(signature.structured_input_signature[1]),
                         "output_dtype": response.outputs["images"].dtype, "equal": bool(np.array_equal(served, ref["expected"]))}
result["zoo_imported"] = sorted(m for m in sys.modules if m == "zoo" or m.startswith("zoo."))
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(model dir, version dir, latent_dim, result of the fresh-process checks) for a tiny SNGAN."""
    root = tmp_path_factory.mktemp("serving")
    g = tiny_sngan()
    path = export_serving(g, str(root / "sngan-test-32"), version=1)
    z = latents(5, g.latent_dim)
    np.savez(root / "ref.npz", z=z, expected=to_uint8(g(z, training=False)))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, "-c", FRESH_PROCESS, path, str(root / "ref.npz")], env=env,
                          cwd=str(root), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return str(root / "sngan-test-32"), path, g.latent_dim, json.loads(proc.stdout.strip().splitlines()[-1])


def test_tf_serving_layout(exported):
    base, path, _, _ = exported
    assert path == os.path.join(base, "1")
    assert sorted(os.listdir(base)) == ["1"]  # no temporary folder left behind
    assert os.path.isfile(os.path.join(path, "saved_model.pb"))
    assert os.path.isfile(os.path.join(path, "variables", "variables.index"))


def test_fresh_process_with_only_tensorflow_matches_to_uint8_exactly(exported):
    *_, latent_dim, result = exported
    assert result["zoo_imported"] == []
    assert result["signatures"] == ["sample", "sample_truncated", "serving_default"]
    assert result["inputs"] == {"z": ["float32", [None, latent_dim]]}
    assert result["outputs"] == {"images": ["uint8", [None, 32, 32, 1]]}
    # same graph ops on the same CPU: bit-identical floats, and to_uint8 is replicated op for op
    assert result["dtype"] == "uint8" and result["equal"], f"max diff {result['max_diff']}"


def test_wrong_dtype_and_shape_are_refused_with_clear_errors(exported):
    *_, latent_dim, result = exported
    assert "expected to be a float tensor but is a double tensor" in result["wrong_dtype"]
    assert "check_z_shape" in result["wrong_shape"] and f"expected shape [?,{latent_dim}]" in result["wrong_shape"]


def test_seed_driven_sample_signature(exported):
    result = exported[3]
    assert result["sample"] == {"shape": [3, 32, 32, 1], "dtype": "uint8", "same_seed_equal": True,
                                "other_seed_differs": True}
    assert "num must be >= 1" in result["sample_num_zero"]


def test_predict_request_for_the_signature(exported):
    predict = exported[3]["predict"]
    if isinstance(predict, str):
        pytest.skip(predict)
    assert predict["input_keys"] == predict["signature_keys"] == ["z"]
    assert predict["output_dtype"] == tf.uint8.as_datatype_enum
    assert predict["equal"]


def test_saved_model_cli_lists_the_signatures(exported):
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    if not os.path.exists(cli):
        pytest.skip(f"saved_model_cli not found beside {sys.executable}")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([cli, "show", "--dir", exported[1], "--all"], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    assert "signature_def['serving_default']" in text and "signature_def['sample']" in text
    assert "inputs['z'] tensor_info:" in text and "DT_FLOAT" in text and f"shape: (-1, {exported[2]})" in text
    assert "outputs['images'] tensor_info:" in text and "DT_UINT8" in text
    assert "inputs['seed']" in text and "DT_INT64" in text


def test_existing_version_is_not_overwritten(tmp_path):
    g = tiny_sngan()
    export_serving(g, str(tmp_path), version=3)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        export_serving(g, str(tmp_path), version=3)
    assert export_serving(g, str(tmp_path), version=3, overwrite=True) == os.path.join(str(tmp_path), "3")
    assert sorted(os.listdir(tmp_path)) == ["3"]
    with pytest.raises(ValueError, match="positive integer"):
        export_serving(g, str(tmp_path), version=0)


def test_conditional_generator_with_truncation(tmp_path):
    """A family that truncates in `call`: serving_default takes z and labels only (no truncation), and
    serving_truncated / sample_truncated add the truncation, passed to the network."""
    g = ToyConditionalGenerator().build_for_inputs()
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path)))
    assert sorted(loaded.signatures) == ["sample", "sample_truncated", "serving_default", "serving_truncated"]
    inputs = {name: {k: (v.dtype, v.shape.as_list()) for k, v in loaded.signatures[name].structured_input_signature[1].items()}
              for name in loaded.signatures}
    assert inputs["serving_default"] == {"z": (tf.float32, [None, 6]), "labels": (tf.int32, [None])}
    assert inputs["serving_truncated"] == {**inputs["serving_default"], "truncation": (tf.float32, [])}
    assert sorted(inputs["sample"]) == ["labels", "num", "seed"]
    assert sorted(inputs["sample_truncated"]) == ["labels", "num", "seed", "truncation"]
    serve, truncated = loaded.signatures["serving_default"], loaded.signatures["serving_truncated"]
    z, labels = latents(4, 6), np.array([0, 1, 2, 1], np.int32)
    out = serve(z=tf.constant(z), labels=tf.constant(labels))["images"].numpy()
    np.testing.assert_array_equal(out, to_uint8(g(z, labels=labels, training=False)))
    half = truncated(z=tf.constant(z), labels=tf.constant(labels), truncation=tf.constant(0.5))["images"].numpy()
    np.testing.assert_array_equal(half, to_uint8(g(z, labels=labels, training=False, truncation=0.5)))
    assert not np.array_equal(half, out)
    with pytest.raises(tf.errors.InvalidArgumentError, match="labels must be < num_classes = 3"):
        serve(z=tf.constant(z), labels=tf.constant([0, 1, 2, 3], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="one entry per sample"):
        truncated(z=tf.constant(z), labels=tf.constant([0, 1], tf.int32), truncation=tf.constant(1.0))
    args = dict(seed=tf.constant(1, tf.int64), num=tf.constant(4), labels=tf.constant(labels))
    images = loaded.signatures["sample"](**args)["images"]
    assert images.shape == (4, 4, 4, 3) and images.dtype == tf.uint8
    z_server = g.latents_tf(tf.constant(4), tf.constant(1, tf.int64))  # plain z: the network truncates
    np.testing.assert_array_equal(
        loaded.signatures["sample_truncated"](truncation=tf.constant(0.5), **args)["images"].numpy(),
        to_uint8(g(z_server, labels=labels, training=False, truncation=0.5)))


def test_sample_passes_truncation_to_a_family_that_truncates_in_call():
    g = ToyConditionalGenerator().build_for_inputs()
    assert g.truncates_in_call
    z = g.latents(3, seed=4, truncation=0.5)
    np.testing.assert_array_equal(z, g.latents(3, seed=4))  # plain z: the truncation happens in call
    expected = to_uint8(g(z, labels=np.array([0, 1, 2]), training=False, truncation=0.5))
    np.testing.assert_array_equal(g.sample(3, seed=4, labels=[0, 1, 2], truncation=0.5), expected)


def test_stylegan2_export_takes_psi_in_w_space(tmp_path):
    """StyleGAN2 truncates in w-space: serving_default and sample take no truncation (psi = 1: a client sends z
    only), serving_truncated and sample_truncated take psi; uint8 images equal the Keras model's, and psi = 0
    maps every z (every seed) to w_avg: identical images."""
    g = tiny_stylegan2(resolution=8, w_avg=0.3)
    assert g.truncates_in_call
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path)))
    assert sorted(loaded.signatures) == ["sample", "sample_truncated", "serving_default", "serving_truncated"]
    serve, truncated = loaded.signatures["serving_default"], loaded.signatures["serving_truncated"]
    assert {k: (v.dtype, v.shape.as_list()) for k, v in serve.structured_input_signature[1].items()} == {
        "z": (tf.float32, [None, 8])}
    assert {k: (v.dtype, v.shape.as_list()) for k, v in truncated.structured_input_signature[1].items()} == {
        "z": (tf.float32, [None, 8]), "truncation": (tf.float32, [])}
    z = latents(3, 8)
    plain = serve(z=tf.constant(z))["images"].numpy()
    assert plain.dtype == np.uint8 and plain.shape == (3, 8, 8, 3)
    np.testing.assert_array_equal(plain, to_uint8(g(z, training=False)))
    out = truncated(z=tf.constant(z), truncation=tf.constant(0.7))["images"].numpy()
    np.testing.assert_array_equal(out, to_uint8(g(z, training=False, truncation=0.7)))
    assert not np.array_equal(out, plain)
    same = truncated(z=tf.constant(z), truncation=tf.constant(0.0))["images"].numpy()
    assert np.array_equal(same[0], same[1]) and np.array_equal(same[0], same[2])
    assert not np.array_equal(out[0], out[1])
    assert sorted(loaded.signatures["sample"].structured_input_signature[1]) == ["num", "seed"]
    sample = loaded.signatures["sample_truncated"]
    assert sorted(sample.structured_input_signature[1]) == ["num", "seed", "truncation"]
    a, b = (sample(seed=tf.constant(s, tf.int64), num=tf.constant(2), truncation=tf.constant(psi))["images"].numpy()
            for s, psi in ((1, 0.0), (2, 0.0)))
    assert a.dtype == np.uint8 and np.array_equal(a, b) and np.array_equal(a[0], a[1])
    c, d = (loaded.signatures["sample"](seed=tf.constant(s, tf.int64), num=tf.constant(2))["images"].numpy()
            for s in (1, 2))
    assert not np.array_equal(c, d)
    np.testing.assert_array_equal(c, to_uint8(g(g.latents_tf(tf.constant(2), tf.constant(1, tf.int64)),
                                                training=False)))


def test_video_generator_gives_nthwc(tmp_path):
    g = ToyVideoGenerator().build_for_inputs()
    assert g.output_kind == "video" and g.sample(2).shape == (2, 3, 4, 4, 1)
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path)))
    z = latents(2, 5)
    out = loaded.signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    assert out.shape == (2, 3, 4, 4, 1)
    np.testing.assert_array_equal(out, to_uint8(g(z, training=False)))


def test_output_kind_must_match_the_output(tmp_path):
    class Undeclared(ToyVideoGenerator):
        output_kind = "image"

    with pytest.raises(ValueError, match="output_kind promises rank 4"):
        export_serving(Undeclared().build_for_inputs(), str(tmp_path))
    with pytest.raises(ValueError, match="output_kind must be one of"):
        type("Bad", (ToyVideoGenerator,), {"output_kind": "audio"})()


def test_seed_signatures_use_the_models_own_latents(tmp_path):
    """A family with its own latents (here uniform z, truncation = its bound) gets them in `sample` and on the
    server: `sample` / `sample_truncated` equal the model fed with its `latents_tf`."""
    g = ToyOwnLatentsGenerator().build_for_inputs()
    z = g.latents(3, seed=1, truncation=0.5)
    assert np.abs(z).max() <= 0.5 and np.abs(g.latents(500, seed=1)).max() > 1.5
    np.testing.assert_array_equal(g.sample(3, seed=1, truncation=0.5), to_uint8(g(z, training=False)))
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path)))
    seed, num = tf.constant(9, tf.int64), tf.constant(3)
    expected = to_uint8(g(g.latents_tf(num, seed), training=False))
    np.testing.assert_array_equal(loaded.signatures["sample"](seed=seed, num=num)["images"].numpy(), expected)
    truncated = loaded.signatures["sample_truncated"](seed=seed, num=num, truncation=tf.constant(0.25))
    expected = to_uint8(g(g.latents_tf(num, seed, tf.constant(0.25)), training=False))
    np.testing.assert_array_equal(truncated["images"].numpy(), expected)


def test_to_uint8_tf_equals_numpy_on_ties_and_edges():
    k = np.arange(-3, 259, dtype=np.float32)
    x = np.concatenate([(k + 0.5) / 127.5 - 1.0, k / 127.5 - 1.0, [-5.0, -1.0, 0.0, 1.0, 5.0],
                        np.random.default_rng(0).uniform(-1.2, 1.2, 10000)]).astype(np.float32)
    np.testing.assert_array_equal(to_uint8_tf(tf.constant(x)).numpy(), to_uint8(x))


def test_export_cli(tmp_path, capsys):
    """`zoo export` prints the signatures read back from the export; an existing version folder is refused
    before the model is loaded (no progress line), and so is a version < 1 (a usage error)."""
    from zoo.cli import main
    from zoo.export import signature_names
    from zoo.models.serialization import save_model_files

    save_model_files(str(tmp_path / "run" / "export"), tiny_sngan())
    out = tmp_path / "serving"
    assert main(["export", str(tmp_path / "run"), "--out", str(out), "--version", "2"]) == 0
    assert (out / "2" / "saved_model.pb").exists()
    names = signature_names(str(out / "2"))
    assert names == ["sample", "sample_truncated", "serving_default"]
    assert f"(signatures: {', '.join(names)})" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "run"), "--out", str(out), "--version", "2"]) == 1  # a failure, not a usage error
    captured = capsys.readouterr()
    assert "already exists" in captured.err and captured.out == ""
    with pytest.raises(SystemExit) as error:
        main(["export", str(tmp_path / "run"), "--out", str(out), "--version", "0"])
    assert error.value.code == 2
    captured = capsys.readouterr()
    assert "expected an integer >= 1, got 0" in captured.err and captured.out == ""


def test_signature_names_of_a_stylegan2_export(tmp_path):
    """What `zoo export` prints for StyleGAN2: its four signatures, read from saved_model.pb."""
    from zoo.export import signature_names

    path = export_serving(tiny_stylegan2(resolution=8), str(tmp_path))
    assert signature_names(path) == ["sample", "sample_truncated", "serving_default", "serving_truncated"]


def test_lazy_top_level_name():
    assert zoo.export_serving is export_serving


@pytest.mark.slow  # ~53 s: traces and reloads three BigGAN signatures; test_conditional_generator_with_truncation
# checks the same signatures on a conditional toy generator in the fast suite
def test_biggan_export_takes_labels_and_server_side_truncation(tmp_path):
    """serving_default(z, labels) equals the Keras model; sample_truncated keeps |z| <= T (checked through the
    images: T -> 0 gives z = 0 for every sample, so same-label samples are identical)."""
    from tests.models.biggan.test_biggan import TINY_G
    from zoo.models.biggan import BigGANGenerator
    from zoo.models.tf_latents import truncated_normal_tf

    g = BigGANGenerator(**TINY_G).build_for_inputs()
    loaded = tf.saved_model.load(export_serving(g, str(tmp_path)))
    assert sorted(loaded.signatures) == ["sample", "sample_truncated", "serving_default"]
    z, labels = latents(3, 12), np.array([0, 1, 2], np.int32)
    out = loaded.signatures["serving_default"](z=tf.constant(z), labels=tf.constant(labels))["images"].numpy()
    np.testing.assert_array_equal(out, to_uint8(g(z, labels=labels, training=False)))
    st = loaded.signatures["sample_truncated"]
    assert sorted(st.structured_input_signature[1]) == ["labels", "num", "seed", "truncation"]
    args = dict(seed=tf.constant(5, tf.int64), num=tf.constant(3), labels=tf.constant([1, 1, 1]))
    # the seed signatures' z as before the models drew their own: stateless normal from [seed, 0]
    z5 = tf.random.stateless_normal([3, 12], seed=tf.constant([5, 0], tf.int64))
    np.testing.assert_array_equal(loaded.signatures["sample"](**args)["images"].numpy(),
                                  to_uint8(g(z5, labels=np.array([1, 1, 1], np.int32), training=False)))
    z5 = truncated_normal_tf(tf.constant([3, 12]), tf.constant([5, 0], tf.int64), 0.7)
    np.testing.assert_array_equal(st(truncation=tf.constant(0.7), **args)["images"].numpy(),
                                  to_uint8(g(z5, labels=np.array([1, 1, 1], np.int32), training=False)))
    tiny = st(truncation=tf.constant(1e-6), **args)["images"].numpy()
    np.testing.assert_array_equal(tiny[0], tiny[1])
    wide = st(truncation=tf.constant(1.0), **args)["images"].numpy()
    assert not np.array_equal(wide[0], wide[1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="truncation must be > 0"):
        st(truncation=tf.constant(0.0), **args)
    zt = truncated_normal_tf(tf.constant([2000, 4]), tf.constant([1, 2], tf.int64), 0.5).numpy()
    assert np.abs(zt).max() <= 0.5 and zt.std() > 0.2
