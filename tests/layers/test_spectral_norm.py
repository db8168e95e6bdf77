import numpy as np
import pytest
import tensorflow as tf

from zoo.layers import SNConv2D, SNDense, SNEmbedding, spectral_normalize
from zoo.training.strategy import mirrored_strategy


def _largest_singular_value(kernel):
    return np.linalg.svd(np.reshape(kernel, (-1, kernel.shape[-1])), compute_uv=False)[0]


@pytest.mark.parametrize("shape", [(5, 7), (3, 3, 4, 6), (8, 2)])
def test_power_iteration_converges_to_svd(shape):
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal(shape).astype(np.float32)
    u = rng.standard_normal((1, shape[-1])).astype(np.float32)
    for _ in range(200):
        _, u, sigma = spectral_normalize(kernel, u)
    np.testing.assert_allclose(float(sigma), _largest_singular_value(kernel), rtol=1e-4)
    w_sn, _, _ = spectral_normalize(kernel, u)
    np.testing.assert_allclose(_largest_singular_value(w_sn.numpy()), 1.0, rtol=1e-4)


def test_dense_updates_u_only_in_training():
    layer = SNDense(4)
    x = tf.ones((2, 3))
    layer(x)
    u0 = layer.sn_u.numpy().copy()
    layer(x, training=False)
    np.testing.assert_array_equal(layer.sn_u.numpy(), u0)
    layer(x, training=True)
    assert not np.allclose(layer.sn_u.numpy(), u0)


def test_layer_sigma_matches_svd_after_training_calls():
    conv = SNConv2D(6, 3, padding="same")
    x = tf.random.normal((2, 8, 8, 4), seed=1)
    for _ in range(100):
        conv(x, training=True)
    np.testing.assert_allclose(float(conv.sigma()), _largest_singular_value(conv.kernel.numpy()), rtol=1e-3)
    # the output equals a plain convolution with W / sigma
    w = conv.kernel.numpy() / float(conv.sigma())
    expected = tf.nn.conv2d(x, w, 1, "SAME") + conv.bias
    np.testing.assert_allclose(conv(x, training=False).numpy(), expected.numpy(), atol=1e-5)


def test_gradient_flows_through_sigma():
    """d/dW of sum(x W/sigma) is not the plain x^T / sigma: sigma(W) depends on W (paper, Eq. 12)."""
    layer = SNDense(3, use_bias=False)
    x = tf.random.normal((4, 5), seed=2)
    layer(x)
    for _ in range(50):
        layer(x, training=True)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(layer(x, training=False))
    grad = tape.gradient(y, layer.kernel).numpy()
    naive = np.tile(x.numpy().sum(0)[:, None], (1, 3)) / float(layer.sigma())
    assert not np.allclose(grad, naive, atol=1e-4)


def test_u_stays_identical_across_mirrored_replicas():
    strategy = mirrored_strategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        layer = SNDense(4)
        layer(tf.ones((1, 3)))

    @tf.function
    def step(x):
        return strategy.run(lambda v: layer(v, training=True), args=(x,))

    data = strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.fill((2, 3), float(ctx.replica_id_in_sync_group + 1)))
    for _ in range(3):
        step(data)
    copies = [v.numpy() for v in layer.sn_u.value.values]
    assert len(copies) == 2
    np.testing.assert_array_equal(copies[0], copies[1])


def test_embedding_normalized_and_serializable():
    emb = SNEmbedding(10, 8)
    out = emb(tf.constant([0, 3, 9]), training=True)
    assert out.shape == (3, 8)
    clone = SNEmbedding.from_config(emb.get_config())
    assert clone.get_config() == emb.get_config()
