"""Where each scene and ending sits in its YAML file, and which problems fall inside it.

``scene_blocks(path, root)`` reads the file with the engine's line-keeping YAML reader (or takes
the tree the loader composed) and
returns, for every scene and ending id, the 1-based first and last line of its block
(the key line down to the line before the next sibling, or before the next top-level key).
``problems_in(block, problems, path)`` keeps the problems whose location is in that block
of that file. Qt-free, so it is tested without a display.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...engine.files import display_name
from ...engine.problems import Problem
from ...engine.yamlsource import YList, YMap, read_yaml_file

SECTIONS = ("scenes", "endings")


@dataclass(frozen=True)
class Block:
    file: str          # as the loader displays it (relative to the working folder when possible)
    first: int         # 1-based, the id's key line
    last: int          # 1-based, inclusive

    def contains(self, line: int) -> bool:
        return self.first <= line <= self.last

    def __str__(self) -> str:
        return f"{self.file}:{self.first}"


def scene_blocks(path: str | Path, root=None) -> dict[str, Block]:
    """Line ranges of every scene and ending block in ``path`` (empty when it cannot be read).
    ``root``: the file's composed tree when the caller has it (``load_scenario(keep_source=True)``),
    so the file is not parsed a second time."""
    path = Path(path)
    name = display_name(path)
    if root is None:
        root, _problems = read_yaml_file(path, name)
    if not isinstance(root, YMap):
        return {}
    try:
        total = path.read_text(encoding="utf-8").count("\n") + 1
    except (OSError, UnicodeDecodeError):
        return {}
    top_lines = sorted(k.line + 1 for k in root.keys.values())
    blocks: dict[str, Block] = {}
    for section in SECTIONS:
        node = root.items.get(section)
        key = root.keys.get(section)
        if node is None or key is None:
            continue
        section_end = next((line - 1 for line in top_lines if line > key.line + 1), total)
        starts: list[tuple[int, str]] = []
        if isinstance(node, YMap):
            starts = [(k.line + 1, item_id) for item_id, k in node.keys.items()]
        elif isinstance(node, YList):          # tolerate a list of mappings with an 'id'
            for item in node.items:
                if isinstance(item, YMap) and "id" in item.items:
                    starts.append((item.line + 1, getattr(item.items["id"], "value", "")))
        starts.sort()
        for index, (first, item_id) in enumerate(starts):
            last = starts[index + 1][0] - 1 if index + 1 < len(starts) else section_end
            blocks.setdefault(item_id, Block(name, first, max(first, last)))
    return blocks


def same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def problems_in(block: Block | None, problems: list[Problem]) -> list[Problem]:
    if block is None:
        return []
    return [p for p in problems if block.contains(p.location.line) and same_file(p.location.file, block.file)]
