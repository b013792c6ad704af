#!/usr/bin/env bash
# Sourced by the README commands. Brings a supported Node (>= 22.12) and the pinned pnpm
# into .toolchain/ when the machine lacks them, then installs the workspace from the
# lockfile. Needs only bash, a Node of any version and npm: what a fresh machine has.
# It sets no shell options: sourcing it must not change how the caller's shell behaves
# (scripts/test and scripts/playground set their own).

PLY_NODE_VERSION=24.21.0
PLY_PNPM_VERSION=10.34.8
PLY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLY_TOOLCHAIN="$PLY_ROOT/.toolchain"

ply_log() { printf '[ply] %s\n' "$*" >&2; }

# True when the node on PATH is at least 22.12.
ply_node_supported() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

ply_platform_package() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) ply_log "unsupported OS $(uname -s)"; return 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) ply_log "unsupported CPU $(uname -m)"; return 1 ;; esac
  printf 'node-%s-%s' "$os" "$arch"
}

# The npm package node-<os>-<arch> carries the official binary and needs no install script.
ply_install_node() {
  local dir="$PLY_TOOLCHAIN/node-$PLY_NODE_VERSION" pkg
  if [ ! -x "$dir/bin/node" ]; then
    pkg=$(ply_platform_package)
    ply_log "installing Node $PLY_NODE_VERSION from the npm package $pkg"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    npm install --prefix "$dir.tmp" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      --loglevel=error "$pkg@$PLY_NODE_VERSION" >&2
    mkdir -p "$dir/bin"
    mv "$dir.tmp/node_modules/$pkg/bin/node" "$dir/bin/node"
    rm -rf "$dir.tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

ply_install_pnpm() {
  local dir="$PLY_TOOLCHAIN/pnpm-$PLY_PNPM_VERSION"
  if [ ! -f "$dir/node_modules/pnpm/bin/pnpm.cjs" ]; then
    ply_log "installing pnpm $PLY_PNPM_VERSION"
    rm -rf "$dir" && mkdir -p "$dir/bin"
    npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      --loglevel=error "pnpm@$PLY_PNPM_VERSION" >&2
  fi
  mkdir -p "$dir/bin"
  printf '#!/bin/sh\nexec node "%s/node_modules/pnpm/bin/pnpm.cjs" "$@"\n' "$dir" >"$dir/bin/pnpm"
  chmod +x "$dir/bin/pnpm"
  export PATH="$dir/bin:$PATH"
}

# Tests run against a real Redis and drive a real Chromium. Each is installed from
# Debian's packages when missing (CI and fresh machines run as root); elsewhere the
# message says what to install.
ply_ensure_debian_package() {
  local command=$1 package=$2
  command -v "$command" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    ply_log "installing $package from Debian's packages"
    if [ -z "${PLY_APT_UPDATED:-}" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
      PLY_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
  else
    ply_log "$command is missing: install it (apt-get install $package) to run the tests"
    return 1
  fi
}

ply_ensure_test_services() {
  ply_ensure_debian_package redis-server redis-server &&
    ply_ensure_debian_package chromium chromium
}

ply_setup() {
  ply_node_supported || ply_install_node
  ply_install_pnpm
  export COREPACK_ENABLE_STRICT=0 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
  ply_log "node $(node --version), pnpm $(pnpm --version)"
  (cd "$PLY_ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=append-only >&2)
}
