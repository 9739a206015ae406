"""The library index (engine/library_index.py): the start screen's cache of each scenario's card
and problems. A hit gives what the scan gave; any change to a file, a catalogue or the cache
itself is a miss, never a wrong answer; a cache that cannot be written is never fatal."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hydra_sim import paths
from hydra_sim.engine import catalogue, library, library_index, plan, yamlsource
from hydra_sim.engine.library_index import lookup, scan_and_remember

FIXTURES = paths.bundled_root() / "tests" / "fixtures"


def _view(entries) -> list:
    """What the start screen shows of each entry, comparable between a scan and the index."""
    return [(e.path, e.bundled, e.ok, e.title, e.card, [p.to_dict() for p in e.problems]) for e in entries]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A user scenario folder with the mini scenario (and its catalogue) and a broken file."""
    user = tmp_path / "scenarios"
    user.mkdir()
    shutil.copy(FIXTURES / "mini" / "mini.yaml", user / "mini.yaml")
    shutil.copy(FIXTURES / "mini" / "mini-catalogue.catalogue.yaml", user)
    (user / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    return user


def _folders(user: Path) -> list[tuple[Path, bool]]:
    return [(paths.bundled_scenarios_dir(), True), (user, False)]


def test_the_names_it_copies_match_the_modules_it_must_not_import():
    assert library_index.CATALOGUE_SUFFIX == catalogue.CATALOGUE_SUFFIX
    assert library_index.PLAN_SUFFIX == plan.PLAN_SUFFIX
    assert library_index.MAX_FILE_BYTES == yamlsource.MAX_FILE_BYTES
    assert library.is_scenario_file is library_index.is_scenario_file


def test_a_hit_gives_what_the_scan_gave_including_a_broken_files_problems(folder, tmp_path):
    index = tmp_path / "cache" / "library-index.json"
    assert lookup(_folders(folder), index) is None              # no index yet: a miss
    scanned = scan_and_remember(_folders(folder), index)
    assert index.is_file()
    indexed = lookup(_folders(folder), index)
    assert indexed is not None and all(e.indexed and e.scenario is None for e in indexed)
    assert _view(indexed) == _view(scanned)
    assert _view(scanned) == _view(library.scan_library(_folders(folder)))     # the scan is unchanged
    broken = next(e for e in indexed if e.path.name == "broken.yaml")
    assert not broken.ok and broken.errors and broken.card is None    # its error is shown from the index too
    assert any(e.ok and e.bundled for e in indexed)


def test_an_edited_file_is_a_miss_even_with_its_old_size_and_time(folder, tmp_path):
    index = tmp_path / "library-index.json"
    scan_and_remember(_folders(folder), index)
    mini = folder / "mini.yaml"
    before = mini.stat()
    text = mini.read_text(encoding="utf-8")
    edited = text.replace('title: "Mini scenario"', 'title: "Mini scenarix"')
    assert edited != text and len(edited) == len(text)
    mini.write_text(edited, encoding="utf-8")
    os.utime(mini, ns=(before.st_atime_ns, before.st_mtime_ns))      # same size, same time: only the hash tells
    assert lookup(_folders(folder), index) is None
    rescanned = scan_and_remember(_folders(folder), index)
    assert any(e.title == "Mini scenarix" for e in rescanned)
    assert _view(lookup(_folders(folder), index)) == _view(rescanned)


def test_a_new_file_or_a_changed_catalogue_is_a_miss_and_a_removed_file_is_not_listed(folder, tmp_path):
    index = tmp_path / "library-index.json"
    scan_and_remember(_folders(folder), index)
    (folder / "extra.yaml").write_text("id: extra\n", encoding="utf-8")
    assert lookup(_folders(folder), index) is None
    (folder / "extra.yaml").unlink()
    assert lookup(_folders(folder), index) is not None
    (folder / "broken.yaml").unlink()          # no other file depends on a scenario: the rest still match
    assert _view(lookup(_folders(folder), index)) == _view(library.scan_library(_folders(folder)))
    with (folder / "mini-catalogue.catalogue.yaml").open("a", encoding="utf-8") as out:
        out.write("\n# a comment\n")                 # lint checks scenarios against it
    assert lookup(_folders(folder), index) is None


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"salt": 1}', b"\xff\xfe garbage",
                                     b'{"salt": null, "entries": []}'])
def test_a_corrupt_index_is_ignored_then_rebuilt(folder, tmp_path, content):
    index = tmp_path / "library-index.json"
    index.write_bytes(content)
    assert lookup(_folders(folder), index) is None
    scan_and_remember(_folders(folder), index)
    assert lookup(_folders(folder), index) is not None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_index_that_is_a_pipe_or_too_large_is_never_read(folder, tmp_path):
    index = tmp_path / "library-index.json"
    os.mkfifo(index)                          # reading it would block the start screen for ever
    assert lookup(_folders(folder), index) is None
    index.unlink()
    index.write_bytes(b" " * (library_index.MAX_INDEX_BYTES + 1))
    assert lookup(_folders(folder), index) is None
    index.unlink()
    scan_and_remember(_folders(folder), index)
    assert lookup(_folders(folder), index) is not None


def test_an_entry_of_the_wrong_shape_is_ignored(folder, tmp_path):
    index = tmp_path / "library-index.json"
    scan_and_remember(_folders(folder), index)
    data = json.loads(index.read_text(encoding="utf-8"))
    entry = data["entries"][str(folder / "mini.yaml")]
    entry["card"]["duration_minutes"] = "ten"
    index.write_text(json.dumps(data), encoding="utf-8")
    assert lookup(_folders(folder), index) is None
    entry["card"]["duration_minutes"] = 10
    entry["problems"] = [{"code": 1}]
    index.write_text(json.dumps(data), encoding="utf-8")
    assert lookup(_folders(folder), index) is None


def test_an_unwritable_cache_folder_is_not_fatal(folder, tmp_path, caplog):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    index = blocker / "cache" / "library-index.json"
    entries = scan_and_remember(_folders(folder), index)
    assert _view(entries) == _view(library.scan_library(_folders(folder)))
    assert "not written" in caplog.text
    assert lookup(_folders(folder), index) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pipe_in_the_folder_is_never_opened_and_makes_a_miss(folder, tmp_path):
    index = tmp_path / "library-index.json"
    scan_and_remember(_folders(folder), index)
    os.mkfifo(folder / "pipe.yaml")          # opening it for reading would block
    assert library_index.stamp_of(folder / "pipe.yaml") is None
    assert lookup(_folders(folder), index) is None
    entries = scan_and_remember(_folders(folder), index)      # the scan lists it with its problem
    assert any(e.path.name == "pipe.yaml" and not e.ok for e in entries)
    assert lookup(_folders(folder), index) is None           # never indexed: the scan always reports it


def test_importing_it_does_not_load_the_loader_or_yaml():
    import subprocess
    import sys
    code = ("import sys, hydra_sim.engine.library_index, hydra_sim.engine.text; "
            "print(sorted(m for m in ('yaml', 'transitions', 'hydra_sim.engine.loader', 'hydra_sim.engine.runner', "
            "'hydra_sim.engine.explorer', 'PySide6') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=paths.bundled_root())
    assert done.stdout.strip() == "[]"
