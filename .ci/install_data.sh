#!/usr/bin/env bash
# Installs the Debian packages that hold zoo's offline datasets, when missing.
set -euo pipefail
need=()
opencv_data="${ZOO_OPENCV_DATA:-/usr/share/doc/opencv-doc/examples/data}"
emojione_dir="${ZOO_EMOJIONE_DIR:-/}"  # the PNG folder, or a root holding it (/ or a `dpkg -x` DIR)
has_emojione() {
  compgen -G "$emojione_dir/*.png" >/dev/null ||
    compgen -G "$emojione_dir/usr/share/rubygems-integration/all/gems/gemojione-*/assets/png/*.png" >/dev/null
}
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
[ -f "$opencv_data/vtest.avi" ] || need+=(opencv-doc)
has_emojione || need+=(ruby-gemojione)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
  if [ ! -f "$opencv_data/vtest.avi" ]; then
    # slim images (dpkg path-exclude /usr/share/doc/*) install opencv-doc without its files
    echo "opencv-doc is installed but /usr/share/doc was excluded: unpack it with" >&2
    echo "  apt-get download opencv-doc && dpkg -x opencv-doc_*.deb DIR" >&2
    echo "and set ZOO_OPENCV_DATA=DIR/usr/share/doc/opencv-doc/examples/data" >&2
    exit 1
  fi
  echo "installed ${need[*]}"
else
  echo "zoo needs the Debian packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install ${need[*]}" >&2
  echo "(without root: apt-get download PKG && dpkg -x PKG*.deb DIR, then set ZOO_FMNIST_DIR / ZOO_EMOJI_FONT /" >&2
  echo " ZOO_OPENCV_DATA=DIR/usr/share/doc/opencv-doc/examples/data / ZOO_EMOJIONE_DIR=DIR)" >&2
  exit 1
fi
