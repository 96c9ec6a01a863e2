# Shared by bin/start and bin/test: make sure uv and the locked environment are present.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v uv >/dev/null 2>&1; then
    echo "Installing uv (the project's package manager) from PyPI..."
    # A user install where pip allows it; on a system Python that refuses (PEP 668), a
    # virtual environment of its own.
    if python3 -m pip install --quiet --user uv 2>/dev/null \
        || python3 -m pip install --quiet uv 2>/dev/null; then
        export PATH="$HOME/.local/bin:$PATH"
    else
        python3 -m venv "$HOME/.local/share/dondoc-uv"
        "$HOME/.local/share/dondoc-uv/bin/pip" install --quiet uv
        export PATH="$HOME/.local/share/dondoc-uv/bin:$PATH"
    fi
fi
uv sync --frozen --quiet
