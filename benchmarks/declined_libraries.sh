#!/usr/bin/env bash
# Reproduces why zoo does not depend on tensorflow-gan and tensorflow-io: installs them (no deps, into a
# throw-away --target dir, with the few pure-Python deps tensorflow-gan needs) and imports them beside
# the project's TensorFlow. Prints the errors. Needs PyPI access.
set -u
PY=${PY:-.venv/bin/python}
T=$(mktemp -d)
$PY -m pip install -q --no-deps --target "$T" "tensorflow-gan==2.1.0" "tensorflow-io==0.37.1" \
    tensorflow-probability tf-keras decorator cloudpickle gast dm-tree 2>/dev/null
echo "tensorflow $($PY -c 'import tensorflow as tf; print(tf.__version__)' 2>/dev/null)"
echo "--- import tensorflow_gan (2.1.0):"
PYTHONPATH="$T" TF_CPP_MIN_LOG_LEVEL=3 $PY -c "import tensorflow_gan" 2>&1 | tail -1
echo "--- tensorflow_io (0.37.1) compiled ops:"
PYTHONPATH="$T" TF_CPP_MIN_LOG_LEVEL=3 $PY -c "
import tensorflow as tf, tensorflow_io as tfio
try:
    tfio.experimental.image.decode_tiff(tf.constant(b'x'))
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0][:200])
" 2>&1 | grep -v -i warn | tail -1
rm -rf "$T"
