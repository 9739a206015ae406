"""A realistic synthetic scenario of any size, for benchmarks.

``make_scenario(n, folder)`` writes ``synthetic-<n>.yaml`` and a copy of the bundled
``nrp-core`` catalogue into ``folder``. The scenario is a long incident: each scene is a
``choose_one`` decision with three options (a good one that evidences a real nrp-core
action, a fair one that costs time and may skip ahead, a poor one that contravenes the
action and raises the pressure), every tenth scene is a checklist (``choose_many``), and
every twenty-fifth has a scene inject. Routes are conditional on variables, milestones are
reached along the way, and top-level injects fire in the first hours. The file lints with
no errors and no warnings. Picking the first option in every scene plays all ``n``
decisions in order and ends at ``everyone_safe``.

Run ``python -m benchmarks.synthetic N FOLDER`` to write one by hand.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "scenarios" / "nrp-core.catalogue.yaml"
MAX_FLAGS = 20                 # bool variables flag_00 .. flag_19 (fewer in tiny scenarios)
CHECKLIST_EVERY = 10
INJECT_EVERY = 25

_PLACES = ["the hard shoulder", "the services car park", "the lay-by", "the fuel pumps", "the lorry park",
           "the slip road", "the truck stop", "the industrial estate"]
_PEOPLE = ["PC Okafor", "PC Lindqvist", "Sergeant Hale", "the paramedic", "the duty inspector",
           "the NCCU officer", "the interpreter", "the control room"]
_EVENTS = ["reports that two more people have been found behind the pallets",
           "asks whether the driver should be arrested now or interviewed later",
           "says one of the boys has stopped answering questions",
           "passes on a request from Immigration Enforcement for an update",
           "notes that the tachograph shows an unexplained stop near Calais",
           "says the fridge unit is still running and the doors are sealed",
           "reports a second lorry from the same haulier on the motorway",
           "asks who is leading the investigation"]


def _actions() -> list[str]:
    data = yaml.load(CATALOGUE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return list(data["actions"])


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scene_id(index: int) -> str:
    return f"s{index:05d}"


def _target(index: int, n: int) -> str:
    return _scene_id(index) if index < n else "everyone_safe"


def make_scenario(n_scenes: int, folder: Path) -> Path:
    """Write an ``n_scenes``-scene scenario (and its catalogue) into ``folder``; return its path."""
    if n_scenes < 4:
        raise ValueError("a synthetic scenario needs at least 4 scenes")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CATALOGUE, folder / CATALOGUE.name)
    actions = _actions()
    rng = random.Random(n_scenes)
    flags = min(MAX_FLAGS, n_scenes)      # every flag is set in its own scenes and read in others
    milestones = {1: "arrival", n_scenes // 3: "identification", n_scenes // 2: "placement",
                  n_scenes - 2: "handover"}
    out: list[str] = []
    w = out.append

    w("format: 1")
    w(f"id: synthetic-{n_scenes}")
    w(f'title: "Synthetic incident with {n_scenes} scenes"')
    w("summary: >")
    w("  A long, generated lorry-drop incident used to measure how fast hydra_sim loads,")
    w("  checks and plays big scenarios.")
    w('version: "1.0"')
    w("duration_minutes: 600")
    w("difficulty: advanced")
    w("roles: [call_handler, first_responder, incident_manager]")
    w('incident_start: "2026-01-14 04:10"')
    w(f"start: {_scene_id(0)}")
    w("catalogues: [nrp-core]")
    w("briefing:")
    w("  role: >")
    w("    You are the call handler, then the sergeant who attends, then the incident manager.")
    w("  situation: >")
    w("    A refrigerated lorry has been reported with people inside. The night is long.")
    w("  expectations:")
    w("    - Protect life first.")
    w("    - Record why you decided what you decided.")
    w("cast:")
    for index, person in enumerate(_PEOPLE):
        role = "radio" if person == "the control room" else "officer"
        w(f"  p{index}: {{name: {_quote(_sentence(person))}, role: {role}}}")
    w("variables:")
    for flag in range(flags):
        w(f"  flag_{flag:02d}: {{type: bool, initial: false}}")
    w("  pressure: {type: int, initial: 0, min: 0, max: 20}")
    w("  lead: {type: enum, values: [undecided, police, immigration], initial: undecided}")
    w("injects:")
    for minute, person in ((30, 1), (90, 4), (300, 6), (900, 7)):
        w(f"  - id: update_{minute}")
        w(f"    at_minute: {minute}")
        w(f"    if: pressure > {minute // 100 + 2}")
        w(f"    speaker: p{person}")
        w(f"    text: {_quote(f'{_sentence(_PEOPLE[person])} asks for an update: the pressure is building.')}")
        w("    add: {pressure: 1}")
    w("scenes:")
    for index in range(n_scenes):
        sid = _scene_id(index)
        flag = f"flag_{index % flags:02d}"
        other = f"flag_{(index + 3) % flags:02d}"
        action = actions[index % len(actions)]
        place, person = rng.choice(_PLACES), rng.randrange(len(_PEOPLE))
        event = rng.choice(_EVENTS)
        nxt, skip = _target(index + 1, n_scenes), _target(index + 2, n_scenes)
        w(f"  {sid}:")
        w(f'    title: "Step {index + 1}: at {place}"')
        w(f"    speaker: p{person}")
        w("    text: |")
        w(f"      {_sentence(_PEOPLE[person])} {event}.")
        w(f"      You are at {place}. The clock is running and the people in the trailer need you.")
        if index in milestones:
            w(f"    milestone: {milestones[index]}")
        if index % INJECT_EVERY == INJECT_EVERY - 1:
            w("    injects:")
            w(f"      - id: worsens_{sid}")
            w("        after_minutes: 3")
            w(f"        if: not {flag}")
            w(f"        speaker: p{(person + 1) % len(_PEOPLE)}")
            w(f"        text: {_quote('While you decide, one of the group collapses and needs help.')}")
            w("        add: {pressure: 2}")
        w("    decision:")
        if index % CHECKLIST_EVERY == CHECKLIST_EVERY - 1:
            second = actions[(index + 11) % len(actions)]
            w("      kind: choose_many")
            w(f"      prompt: {_quote('Which of these do you do now?')}")
            w("      min_picks: 1")
            w("      minutes: 2")
            w("      options:")
            w(f"        - id: do_{action}")
            w(f"          label: {_quote('Do the obvious life-saving thing first')}")
            w(f"          evidences: [{action}]")
            w(f"          set: {{{flag}: true}}")
            w("        - id: record")
            w(f"          label: {_quote('Write it down and tell control')}")
            w(f"          evidences: [{second}]")
            w("          add: {pressure: -1}")
            w("        - id: wait")
            w(f"          label: {_quote('Wait for someone else to decide')}")
            w(f"          contravenes: [{action}]")
            w("          minutes: 5")
            w("          add: {pressure: 2}")
            w("      next:")
            w(f"        - if: pressure >= 15 and not {other}")
            w("          goto: casualty_collapse")
            w(f"        - goto: {nxt}")
            continue
        w("      kind: choose_one")
        w(f"      prompt: {_quote('What do you do now?')}")
        w("      options:")
        w("        - id: act")
        w(f"          label: {_quote('Act now, life first, and record why')}")
        w("          minutes: 1")
        w(f"          set: {{{flag}: true{', lead: police' if index % 50 == 7 else ''}}}")
        w(f"          evidences: [{action}]")
        w(f"          feedback: {_quote('Right: this protects life and the investigation.')}")
        w("          next:")
        w("            - if: pressure >= 15 and not " + other)
        w("              goto: casualty_collapse")
        w(f"            - goto: {nxt}")
        w("        - id: delay")
        w(f"          label: {_quote('Ask for more information first')}")
        if index % 4 == 1:
            w(f"          if: not {other}")
        w("          minutes: 4")
        w(f"          set: {{{flag}: false}}")
        w(f"          feedback: {_quote('Reasonable, but it cost time.')}")
        w("          next:")
        w(f"            - if: {other} or lead == \"police\"")
        w(f"              goto: {nxt}")
        w(f"            - goto: {skip}")
        w("        - id: ignore")
        w(f"          label: {_quote('Leave it for Immigration Enforcement')}")
        w("          minutes: 2")
        w("          add: {pressure: 3}")
        w("          contravenes:")
        w(f"            - action: {action}")
        w(f"              feedback: {_quote('Nobody acted, and the people inside were still at risk.')}")
        w(f"          next: {nxt}")
    w("endings:")
    w("  everyone_safe:")
    w('    title: "Everyone alive, the investigation alive"')
    w("    outcome: good")
    w('    text: "All the people found were seen by paramedics and the investigation continues."')
    w("  casualty_collapse:")
    w('    title: "A casualty collapsed"')
    w("    outcome: harm")
    w('    text: "The pressure built up until someone collapsed before help arrived."')
    path = folder / f"synthetic-{n_scenes}.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("synthetic")
    print(make_scenario(count, target))
