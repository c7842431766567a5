#!/usr/bin/env bash
# Installs kiln's build dependencies from Debian 12's packages, and any further packages named
# on the command line (scripts/fuzz.sh names clang's, .ci/run the browser test's). Idempotent:
# packages already present are left alone, and apt is only touched when something is missing.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config libopenblas-dev libtbb-dev
          libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libboost-context-dev
          libpng-dev "$@")

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all dependencies present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
