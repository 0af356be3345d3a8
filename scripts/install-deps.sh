#!/bin/sh
# install-deps.sh — install the Debian packages lowp builds and tests with,
# only those missing. Works as root, or as a user with sudo. On a system
# without apt it says what is needed and carries on (the build then uses
# whatever is there: OpenCL, OpenBLAS and CLBlast are optional).
set -eu

packages="gcc make cmake pkg-config clang ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd mesa-opencl-icd
libclblast-dev libopenblas-dev libopenblas-openmp-dev clinfo"
# qemu-user runs the CPU tests on an emulated x86-64 CPU without AVX.
if [ "$(uname -m)" = "x86_64" ]; then
    packages="$packages qemu-user"
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: not a Debian system; please install: $packages" >&2
    exit 0
fi

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
