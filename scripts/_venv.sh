# Sourced by scripts/start and scripts/test: make sure .venv exists and holds the pinned
# requirements ($1: requirements file). Needs nothing but Python 3.11 or newer.
set -euo pipefail
requirements="${1:-requirements.txt}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "IFN Diary needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
# install_into FOLDER REQUIREMENTS: the virtual environment FOLDER, holding REQUIREMENTS.
install_into() {
  local venv="$1" requirements="$2" stamp
  if [ ! -x "$venv/bin/python" ]; then
    echo "Creating the virtual environment in $venv ..."
    "$python" -m venv "$venv"
  fi
  stamp="$venv/.installed-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing $requirements ..."
    # (grep drops this machine's notes about missing local package mirrors, nothing else)
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 \
      | { grep -v "is ignored: it is neither a file nor a directory" || true; }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" 2>&1 \
      | { grep -v "is ignored: it is neither a file nor a directory" || true; }
    touch "$stamp"
  fi
}
install_into .venv "$requirements"
if [ "$requirements" = requirements-dev.txt ]; then
  # The client generator cannot share .venv (requirements-codegen.txt says why); not on PATH.
  install_into .venv-codegen requirements-codegen.txt
fi
export PATH="$PWD/.venv/bin:$PATH"
