#!/bin/sh
# test_install.sh BUILD_DIR SOURCE_DIR WORK_DIR — install lowp into a scratch
# prefix, then build examples/ against it twice, as users do: with CMake's
# find_package(lowp) and with pkg-config. Both programs must run.
set -eu
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
cmake -S "$src/examples" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log"
cmake --build "$work/cmake-build" >"$work/build.log"
libdir=$(dirname "$(find "$work/prefix" -name 'liblowp.so' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$work/cmake-build/lowp_example"
PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --exists lowp
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -o "$work/pkgconfig_example" "$src/examples/sum.c" \
   $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs lowp)
LD_LIBRARY_PATH="$libdir" "$work/pkgconfig_example"
echo "1 passed, 0 failed"
