"""Scaffold a new scenario: a small, complete, lint-clean file that teaches the format.

``hydra-sim new NAME`` writes ``NAME.yaml`` (four scenes with a choose_one, a checklist, a
variable, an inject with a goto, two endings, scored against the bundled ``nrp-core``
catalogue, which the loader finds among the bundled scenarios wherever the new file lives)
and ``NAME.best.plan.yaml``, a playthrough test of the full-marks path. Comments in the
file explain each part, so an author learns the format by editing a working example.
Existing files are never overwritten. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .reader import ID_PATTERN


class ScaffoldError(Exception):
    """The scaffold cannot be written (bad name, or a file already exists)."""


@dataclass
class Scaffold:
    scenario: Path
    plan: Path


_SCENARIO = """\
# {title}
#
# A new hydra_sim scenario, made by `hydra-sim new`. It already works: check it with
#     hydra-sim lint {name}.yaml
#     hydra-sim test {name}.best.plan.yaml
# then change it into your own incident. The full reference is docs/scenario-format.md;
# docs/editor-support.md shows how to get autocompletion and inline errors in VS Code.
#
# Rules worth knowing from the start:
# - Everything is addressed by a stable id: lowercase letters, digits, '_' or '-',
#   starting with a letter. Keep ids when you edit; score logs and test plans use them.
# - Put text in "quotes" when YAML might read it as something else ("no", "04:10", "1.10").
# - Indent with spaces, never tabs.

format: 1                      # always 1 for this version of the format
id: {name}
title: {title_yaml}
summary: >
  A lorry driver hears banging from a trailer. Grade the call, act on arrival and hand over.
version: "0.1"                 # your version of the scenario, as text
duration_minutes: 10
difficulty: introductory       # introductory | intermediate | advanced
roles: [call_handler, first_responder]
incident_start: "2026-02-01 02:30"   # simulated date and time, in quotes
start: call                    # the id of the first scene
catalogues: [nrp-core]         # the bundled National Response Plan actions

briefing:
  role: >
    You are the call handler, then the first officer to reach the lorry.
  situation: >
    A cold night on a quiet trunk road. One patrol car is nearby.
  expectations:
    - Preservation of life comes first.

cast:                          # who speaks: shown with the text of a scene or inject
  caller: {{name: "Caller (lorry driver)", role: caller}}
  control: {{name: "Force control room", role: radio}}

variables:                     # remember what happened, so later scenes can react
  ambulance_sent: {{type: bool, initial: false}}

scenes:
  call:
    title: "02:30 - A 999 call"
    speaker: caller
    text: |
      "I'm in the lay-by. There's banging coming from the trailer next to me.
      I think there are people inside."
    decision:
      kind: choose_one         # the trainee picks exactly one option
      prompt: "How do you grade and resource the call?"
      # Options alike in length and detail, the best neither first nor last nor longest:
      # 'hydra-sim audit' checks that a trainee who ignores the text cannot pass.
      options:
        - id: refer
          label: "Log it as an immigration matter for the Home Office"
          minutes: 2
          contravenes:         # choices that go against an action cost marks
            - action: ch_dispatch_ambulance
              feedback: "No ambulance was sent, although people may be suffocating."
          next: arrival
        - id: emergency
          label: "Grade it as a threat to life: send police and an ambulance"
          minutes: 2           # simulated minutes this choice takes
          set: {{ambulance_sent: true}}
          evidences: [ch_classify_immigration_crime, ch_threat_to_life_questions, ch_dispatch_ambulance]
          feedback: "Right: a sealed trailer can kill. Life first."
          next: arrival        # the scene (or ending) this option leads to
        - id: patrol_first
          label: "Send the nearest patrol to look first, and call an ambulance if they find anyone ill"
          minutes: 2
          evidences: [ch_classify_immigration_crime]
          contravenes:
            - action: ch_dispatch_ambulance
              feedback: "Waiting for a patrol to confirm loses minutes that people in a sealed trailer may not have."
          next: arrival

  arrival:
    title: "02:40 - On scene"
    milestone: arrival         # action windows such as "within 5 minutes of arrival" start here
    text: |
      You open the trailer. The air is thick and warm; a dozen people are inside.
    injects:                   # new information, timed from entering this scene
      - id: casualty_worsens
        after_minutes: 2
        if: not ambulance_sent # only if nobody called an ambulance
        speaker: control
        text: "Control: the ambulance you did not request will be 20 minutes. A man has collapsed."
        goto: casualty_collapse
    decision:
      kind: choose_many        # a checklist: every ticked item counts
      prompt: "Which of these do you do now?"
      minutes: 3
      options:
        - id: ventilate
          label: "Open the doors wide and switch off the fridge unit"
          evidences: [fr_open_ventilate_trailer]
        - id: methane
          label: "Pass a METHANE report to control"
          evidences: [fr_methane_report]
        - id: wait
          label: "Keep the doors shut until Border Force arrive"
          contravenes: [fr_open_ventilate_trailer]
      next: triage

  triage:
    title: "02:45 - Who goes first?"
    text: "The paramedics have arrived. The sergeant asks what you want done first."
    decision:
      kind: choose_one
      prompt: "What comes first?"
      options:
        - id: paramedics_first
          label: "Paramedics check everyone before anything else"
          evidences: [preserve_life_medical_triage]
          next: handover
        - id: paperwork_first
          label: "Take everyone's names first, so nobody is lost in the handover"
          contravenes: [preserve_life_medical_triage]
          next: handover

  handover:
    title: "03:30 - Handover"
    milestone: handover
    text: "Everyone has been seen by paramedics. You hand over to the day shift."
    next: everyone_safe        # no decision: a Continue button leads here

endings:
  everyone_safe:
    title: "Everyone alive"
    outcome: good              # good | partial | harm | investigation_lost | safeguarding_failure
    text: "Everyone in the trailer was seen by paramedics and is safe."
  casualty_collapse:
    title: "A casualty collapsed"
    outcome: harm
    text: "Without an ambulance on the way, a man collapsed from the heat and lack of air."
"""

_PLAN = """\
# The best path through {name}.yaml: full marks, everyone safe.
# Run it with: hydra-sim test {name}.best.plan.yaml
description: "Best responses at every decision"
steps:
  - call: emergency
  - arrival: [ventilate, methane]
  - triage: paramedics_first
  - continue: handover
expect:
  ending: everyone_safe
  outcome: good
  grade: distinction
  score: 100
  critical_failures: []
  variables: {{ambulance_sent: true}}
  actions:
    ch_dispatch_ambulance: on_time
    fr_open_ventilate_trailer: on_time
"""


def scaffold_texts(name: str, title: str | None = None) -> tuple[str, str]:
    """The scenario and plan texts for a new scenario called ``name``."""
    if not ID_PATTERN.match(name):
        raise ScaffoldError(f"'{name}' is not a valid scenario id: use lowercase letters, digits, '_' or '-', "
                            "starting with a letter (e.g. 'lay-by-lorry')")
    title = title or name.replace("-", " ").replace("_", " ").capitalize()
    title_yaml = json.dumps(title, ensure_ascii=False)   # a double-quoted YAML scalar
    return (_SCENARIO.format(name=name, title=title, title_yaml=title_yaml), _PLAN.format(name=name))


def write_scaffold(name: str, folder: Path, title: str | None = None) -> Scaffold:
    """Write ``NAME.yaml`` and ``NAME.best.plan.yaml`` into ``folder``; never overwrites."""
    scenario_text, plan_text = scaffold_texts(name, title)
    folder = Path(folder)
    scenario = folder / f"{name}.yaml"
    plan = folder / f"{name}.best.plan.yaml"
    existing = [p for p in (scenario, plan) if p.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(str(p) for p in existing)} already exist{'s' if len(existing) == 1 else ''}; "
                            "nothing was written (choose another name or folder)")
    folder.mkdir(parents=True, exist_ok=True)
    scenario.write_text(scenario_text, encoding="utf-8")
    plan.write_text(plan_text, encoding="utf-8")
    return Scaffold(scenario, plan)
