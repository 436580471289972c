#!/usr/bin/env bash
# Installs what the build and the tests need on a Debian machine with Swift: the compression
# libraries (Debian -dev packages), a JRE with the SQLite JDBC driver for Iceberg Java, and a
# venv with the pinned Python peers (Spark and Iceberg Java's runtime jar among them).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libsnappy-dev libzstd-dev zlib1g-dev liblz4-dev libbrotli-dev libsqlite3-dev pkg-config python3-venv strace openssl curl
    libxerial-sqlite-jdbc-java libxerial-sqlite-jdbc-jni)
command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
stamp=".venv/.requirements-$(sha256sum requirements-dev.txt | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "setup: creating .venv with the pinned Python peers"
    rm -rf .venv
    "$PYTHON" -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
    touch "$stamp"
fi

# Iceberg's Spark runtime jar expects its host to supply Jackson under Iceberg's shaded
# package: relocate pyspark's own Jackson jars into it (scripts/relocate-jackson.py).
jackson=.venv/java/iceberg-shaded-jackson.jar
if [ ! -f "$jackson" ]; then
    echo "setup: relocating pyspark's Jackson for Iceberg Java"
    mkdir -p .venv/java
    jars=$(.venv/bin/python -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
    .venv/bin/python scripts/relocate-jackson.py "$jackson.tmp" "$jars"/jackson-core-2*.jar \
        "$jars"/jackson-databind-2*.jar "$jars"/jackson-annotations-2*.jar
    mv "$jackson.tmp" "$jackson"
fi
