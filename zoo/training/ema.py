"""Exponential moving average of generator weights, replica-safe."""

from __future__ import annotations

import tensorflow as tf


def _tf_var(v):
    return getattr(v, "value", v) if not isinstance(v, tf.Variable) else v


def ema_update(ema_variables, variables, decay):
    """ema <- decay * ema + (1 - decay) * w for every pair, including BN moving statistics.

    Callable in replica context (it merges once and updates each mirrored copy from its own local `w`, so the
    copies stay identical without cross-device traffic) and in cross-replica context.
    Reference: Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training"; BigGAN (Brock et
    al. 2019) keeps an EMA of G for sampling.
    """
    decay = tf.cast(decay, tf.float32)

    def update_all(strategy, ema_vars, vars_):
        for e, w in zip(ema_vars, vars_):
            strategy.extended.update(_tf_var(e), lambda e_, w_: e_.assign(decay * e_ + (1.0 - decay) * w_),
                                     args=(_tf_var(w),))

    ctx = tf.distribute.get_replica_context()
    if ctx is None:
        update_all(tf.distribute.get_strategy(), ema_variables, variables)
    else:
        ctx.merge_call(update_all, args=(list(ema_variables), list(variables)))
