"""Prompt files (prompts/*.yaml) with strict `{{ name }}` rendering: a missing or unknown variable fails loudly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from tutor.errors import PromptError

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
PROMPT_NAMES = ("system", "condense", "answer", "repair", "select", "safety_check")


class Prompt(BaseModel):
    """One prompt file: a template and the variables it declares."""

    name: str
    description: str = ""
    variables: list[str] = Field(default_factory=list)
    template: str

    def render(self, **values: Any) -> str:
        """The template filled in one pass (values are never re-scanned for placeholders)."""
        missing = sorted(set(self.variables) - set(values))
        unknown = sorted(set(values) - set(self.variables))
        if missing or unknown:
            raise PromptError(f"prompt {self.name!r}: missing variables {missing}, unknown variables {unknown}")
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.template).strip()


def load_prompt(path: Path) -> Prompt:
    """Read and check one prompt file: every placeholder declared, every declared variable used."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"cannot read prompt {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("template"), str):
        raise PromptError(f"prompt {path} needs a 'template' string")
    prompt = Prompt(name=path.stem, description=str(data.get("description") or ""),
                    variables=list(data.get("variables") or []), template=data["template"])
    used = set(PLACEHOLDER.findall(prompt.template))
    if used != set(prompt.variables):
        raise PromptError(f"prompt {path}: placeholders {sorted(used)} differ from declared variables "
                          f"{sorted(prompt.variables)}")
    return prompt


def load_prompts(directory: Path, names: tuple[str, ...] = PROMPT_NAMES) -> dict[str, Prompt]:
    """The named prompts from a folder; a missing file is an error naming it."""
    prompts = {}
    for name in names:
        path = directory / f"{name}.yaml"
        if not path.exists():
            raise PromptError(f"prompt file missing: {path}")
        prompts[name] = load_prompt(path)
    return prompts
