"""Load a scenario file completely: YAML, schema, catalogues, media files, then lint.

``load_scenario`` never raises for bad input: it returns the scenario (or None) and every
problem found, each with file, line and column. A scenario with no errors is safe to run.
Media paths are resolved only inside the scenario's own folder or the ``assets`` folder
beside it; anything else (absolute paths, ``..``, links leading out) is refused.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hashlib
import stat
from typing import Any
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import paths
from .catalogue import CATALOGUE_SUFFIX, load_catalogue
from .files import FileCache, display_name, read_regular_file
from .model import Assessment, Catalogue, Outcome, Scenario
from .problems import ERROR, Location, Problem, ScenarioError, did_you_mean, has_errors, sort_problems
from .schema import ScenarioSchema
from .yamlsource import MAX_FILE_BYTES, read_yaml_file

MEDIA_SUFFIXES = {
    "image": {".png", ".jpg", ".jpeg", ".svg"},
    "document": {".pdf", ".png", ".jpg", ".jpeg", ".txt", ".md"},
    "audio": {".ogg", ".mp3", ".wav"},
}


@dataclass
class LoadResult:
    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    source: Any = None      # the file's composed YAML tree (yamlsource nodes, with lines): keep_source only

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not has_errors(self.problems)

    def raise_for_errors(self) -> Scenario:
        if not self.ok:
            raise ScenarioError([p for p in self.problems if p.severity == ERROR] or self.problems)
        return self.scenario  # type: ignore[return-value]


_catalogues = FileCache(lambda path: load_catalogue(path, display_name(path)))


def cached_catalogue(path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Catalogues are shared by many scenarios; re-read one only when the file changes."""
    return _catalogues.get(path)


def find_catalogue_file(catalogue_id: str, scenario_dir: Path) -> Path | None:
    for folder in (scenario_dir, paths.bundled_scenarios_dir()):
        candidate = folder / f"{catalogue_id}{CATALOGUE_SUFFIX}"
        if candidate.is_file():
            return candidate
    return None


def known_catalogue_ids(scenario_dir: Path) -> list[str]:
    ids = []
    for folder in (scenario_dir, paths.bundled_scenarios_dir()):
        if folder.is_dir():
            ids += [p.name[: -len(CATALOGUE_SUFFIX)] for p in folder.glob(f"*{CATALOGUE_SUFFIX}")]
    return ids


def asset_roots(scenario_dir: Path) -> list[Path]:
    roots = [scenario_dir]
    sibling = scenario_dir.parent / "assets"
    if sibling.is_dir():
        roots.append(sibling)
    return roots


def resolve_media_path(file: str, scenario_dir: Path) -> tuple[Path | None, str | None]:
    """Return (path, None) for a safe existing regular file, or (None, reason): "escapes",
    "missing", or words saying why the file cannot be used. Never raises."""
    if not file or "\\" in file or file.startswith("/") or ":" in file.split("/")[0]:
        return None, "escapes"
    parts = PurePosixPath(file).parts
    if any(part in ("..", "") for part in parts) or PurePosixPath(file).is_absolute():
        return None, "escapes"
    for root in asset_roots(scenario_dir):
        candidate = root.joinpath(*parts)
        try:
            if not candidate.exists():
                continue
            real_root = root.resolve()
            real = candidate.resolve()
            if real_root not in real.parents:
                return None, "escapes"
            if not stat.S_ISREG(real.stat().st_mode):
                return None, "not a regular file"       # a FIFO or device: never opened by anyone
        except OSError as exc:      # a name too long for the file system, a loop of links, no access
            return None, f"cannot be checked ({exc.strerror or exc})"
        return real, None
    return None, "missing"


def load_scenario(path: str | Path, *, lint: bool = True, keep_source: bool = False) -> LoadResult:
    """Read, validate and (``lint``) lint a scenario file. ``keep_source``: also hand back the
    composed YAML tree (``LoadResult.source``), for a caller that needs the file's lines, such as
    Author mode's map of scene blocks, so the file is not parsed twice (not kept otherwise: a
    library of scenarios would hold every tree in memory)."""
    path = Path(path)
    name = display_name(path)
    root, problems = read_yaml_file(path, name)
    if root is None:
        return LoadResult(None, sort_problems(problems))
    schema = ScenarioSchema(root, path.resolve(), name)
    scenario = schema.build()
    problems += schema.problems
    source = root if keep_source else None
    if scenario is None:
        return LoadResult(None, sort_problems(problems), source)
    try:
        scenario.content_hash = hashlib.sha256(read_regular_file(path, MAX_FILE_BYTES)).hexdigest()
    except OSError as exc:          # replaced between the two reads: report it, never raise
        return LoadResult(None, sort_problems(problems + [Problem(
            "Y011", ERROR, f"cannot read the file: {exc.strerror or exc}", Location(name, 0, 0),
            "check the path and its permissions")]))
    scenario_dir = path.resolve().parent
    problems += _resolve_catalogues(scenario, scenario_dir, name, root)
    problems += _resolve_media(scenario, scenario_dir, name)
    problems += _build_assessments(scenario, name)
    if lint:
        from .lint import lint_scenario
        problems += lint_scenario(scenario)
    from .lint_config import apply_config
    problems = apply_config(problems, path)     # severities from hydra-project.yaml, if any
    return LoadResult(scenario, sort_problems(problems), source)


def _resolve_catalogues(scenario: Scenario, scenario_dir: Path, name: str, root) -> list[Problem]:
    problems: list[Problem] = []
    catalogues = []
    node = root.items.get("catalogues") if hasattr(root, "items") else None
    loc = Location(name, node.line + 1, node.column + 1) if node is not None else scenario.location
    for catalogue_id in scenario.catalogue_ids:
        file = find_catalogue_file(catalogue_id, scenario_dir)
        if file is None:
            problems.append(Problem("R006", ERROR, f"no catalogue '{catalogue_id}' was found", loc,
                                    did_you_mean(catalogue_id, known_catalogue_ids(scenario_dir))
                                    or f"put {catalogue_id}{CATALOGUE_SUFFIX} beside the scenario"))
            continue
        catalogue, catalogue_problems = cached_catalogue(file)
        problems += catalogue_problems
        if catalogue is not None:
            catalogues.append(catalogue)
    seen: dict[str, str] = {}
    for catalogue in catalogues:
        for action_id in catalogue.actions:
            if action_id in seen:
                problems.append(Problem("R013", ERROR, f"action '{action_id}' is defined in both "
                                        f"'{seen[action_id]}' and '{catalogue.id}'", loc,
                                        "local catalogues must use new action ids"))
            seen[action_id] = catalogue.id
    scenario.catalogues = tuple(catalogues)
    return problems


def _resolve_media(scenario: Scenario, scenario_dir: Path, name: str) -> list[Problem]:
    problems = []
    for media in scenario.media.values():
        if not media.file:
            continue
        suffix = PurePosixPath(media.file).suffix.lower()
        if suffix not in MEDIA_SUFFIXES.get(media.kind, set()):
            allowed = ", ".join(sorted(MEDIA_SUFFIXES.get(media.kind, ())))
            problems.append(Problem("R014", ERROR, f"media '{media.id}' is a {media.kind} but '{media.file}' "
                                    f"is not a supported {media.kind} file", media.location,
                                    f"use one of: {allowed}"))
            continue
        resolved, reason = resolve_media_path(media.file, scenario_dir)
        if reason == "escapes":
            problems.append(Problem("R008", ERROR, f"media '{media.id}' file '{media.file}' leads outside the "
                                    "scenario's folders", media.location,
                                    "use a relative path inside the scenario folder or its 'assets' folder"))
        elif reason == "missing":
            roots = " or ".join(str(r) for r in asset_roots(scenario_dir))
            problems.append(Problem("R007", ERROR, f"media '{media.id}': file '{media.file}' does not exist",
                                    media.location, f"looked in {roots}"))
        elif reason is not None:
            problems.append(Problem("R007", ERROR, f"media '{media.id}': file '{media.file}' {reason}",
                                    media.location, "use an ordinary file with a shorter name"))
        media.resolved_path = resolved
    return problems


def referenced_action_ids(scenario: Scenario) -> dict[str, Location]:
    """Every action id named by a choice, rule, decision or expiry, with its first location."""
    refs: dict[str, Location] = {}
    for outcome in iter_outcomes(scenario):
        for ref in outcome.evidences + outcome.contravenes:
            refs.setdefault(ref.action_id, ref.location)
    return refs


def iter_outcomes(scenario: Scenario):
    for scene in scenario.scenes.values():
        decision = scene.decision
        if decision is None:
            continue
        yield decision.outcome
        if decision.on_expiry is not None:
            yield decision.on_expiry
        for option in decision.options:
            yield option.outcome
        for part in decision.parts:
            for option in part.options:
                yield option.outcome
        for criterion in decision.rubric:        # what a met criterion gives evidence of
            yield Outcome(evidences=criterion.evidences, location=criterion.location)
        for rule in decision.rules:
            yield rule.when_kept
            yield rule.when_broken
    for inject in scenario.all_injects():
        yield inject.outcome
    for partner in scenario.partners.values():      # a request that matches a reply's topic (requests.py)
        for reply in partner.replies.values():
            yield Outcome(evidences=reply.evidences, location=reply.location)


def _build_assessments(scenario: Scenario, name: str) -> list[Problem]:
    problems = []
    known = {a for c in scenario.catalogues for a in c.actions}
    refs = referenced_action_ids(scenario)
    overrides = scenario.assess_overrides or {}
    for action_id, location in refs.items():
        if action_id not in known and scenario.catalogues:
            problems.append(Problem("R002", ERROR, f"unknown action '{action_id}'", location,
                                    did_you_mean(action_id, known) or "check the catalogue's action ids"))
    for action_id, entry in overrides.items():
        if action_id not in known and scenario.catalogues:
            key = entry["_node"]
            problems.append(Problem("R002", ERROR, f"'assess' names an unknown action '{action_id}'",
                                    Location(name, key.line + 1, key.column + 1),
                                    did_you_mean(action_id, known) or "check the catalogue's action ids"))
    assessed = {}
    for action_id in list(refs) + [a for a in overrides if a not in refs]:
        action = scenario.action(action_id)
        if action is None:
            continue
        entry = overrides.get(action_id, {})
        assessed[action_id] = Assessment(action, entry.get("critical", action.critical),
                                         entry.get("weight", action.weight),
                                         entry.get("window", action.window), entry.get("applies_if"))
    scenario.assessed = assessed
    return problems
