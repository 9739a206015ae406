"""Generated scenario shapes that are hard for the explorer, written as YAML for the real loader.

Each ``make_*`` function writes a scenario and its own generated catalogue (``shapes``,
as many actions as the shape needs) into a folder and returns the scenario's path:

- ``make_chain(n, options)``: a chain of ``n`` scenes; each has ``options`` competing
  options, each evidencing a different action and costing different minutes, so no
  option covers another;
- ``make_flags(flags, scenes)``: bool flags set along ``scenes`` scenes and read at the
  end (the final routes, an option's condition and two actions' ``applies_if``);
- ``make_checklists(items, lists)``: ``lists`` checklists of ``items`` items each;
- ``make_deadlines(scenes, shared)``: a chain where a thorough option earns more but takes
  longer, against deadlines from the start, from a milestone and before a milestone (the
  time each path has spent decides what is on time later);
- ``make_rewrites()``: variables set early, then written again before they are read again
  (in the reading scene's own routes, by a scene inject, in a later scene, in a loop), so that
  merging on the values read ahead would be wrong;
- ``make_realistic()``: an 18-scene incident as an author writes it from the docs:
  14 decisions (two checklists, a timed one, a rationale), 13 variables, 7 injects
  (conditional ones, two that redirect), milestones and ``clock_speed: 1``.

The files lint without errors. Used by ``benchmarks/bench_explorer.py`` and the
explorer's tests. Must not import hydra_sim (the YAML goes through the real loader).
"""

from __future__ import annotations

from pathlib import Path

CATALOGUE_ID = "shapes"


def _catalogue(folder: Path, count: int, windows: bool = True) -> None:
    """A catalogue of ``count`` actions a000..; every fifth critical, weights 1-3, some windows."""
    folder.mkdir(parents=True, exist_ok=True)
    out = ["format: 1", "kind: catalogue", f"id: {CATALOGUE_ID}", 'title: "Generated actions for benchmarks"',
           'version: "1"', "scoring:", "  late_credit: 0.5", "  contravene_penalty: 1.0", "  grades:",
           '    - {id: distinction, label: "Distinction", min_percent: 85}',
           '    - {id: competent, label: "Competent", min_percent: 60}',
           '    - {id: not_yet_competent, label: "Not yet competent", min_percent: 0}',
           "  critical_fail_grade: not_yet_competent", "categories:",
           '  life: {label: "Preservation of life", order: 1}',
           '  evidence: {label: "Scene and evidence", order: 2}',
           "roles:", '  FR: {label: "First responder"}', "phases: [call, arrival, scene]",
           "sources:", '  S1: {title: "Generated source", url: "https://example.org/s1"}', "actions:"]
    for i in range(count):
        out += [f"  a{i:03d}:", f'    title: "Generated action {i}"', '    description: "Do the thing."',
                '    why: "It matters for the people found."', f"    category: {'life' if i % 2 else 'evidence'}",
                "    roles: [FR]", "    phase: scene", f"    critical: {'true' if i % 5 == 0 else 'false'}",
                f"    weight: {1 + i % 3}", "    evidence: D", "    sources: [S1]"]
        if windows and i % 4 == 0:
            out.append(f"    window: {{minutes: {10 + 3 * i}}}")
    (folder / f"{CATALOGUE_ID}.catalogue.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


def _header(shape_id: str, title: str, start: str, extra: list[str] = ()) -> list[str]:
    return ["format: 1", f"id: {shape_id}", f'title: "{title}"',
            'summary: "A generated scenario shape for measuring the explorer."', 'version: "1"',
            'incident_start: "2026-01-14 04:10"', f"start: {start}", f"catalogues: [{CATALOGUE_ID}]",
            "briefing:", '  role: "You are the first responder."', '  situation: "A lorry at night."',
            '  expectations: ["Life first."]', *extra]


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _endings(*ids: tuple[str, str]) -> list[str]:
    out = ["endings:"]
    for ending_id, outcome in ids:
        out += [f"  {ending_id}:", f'    title: "Ending {ending_id}"', f"    outcome: {outcome}",
                '    text: "The incident is over."']
    return out


# -- (a) a chain of competing options --------------------------------------------------------
def make_chain(folder: Path, scenes: int, options: int = 2) -> Path:
    folder = Path(folder)
    _catalogue(folder, scenes * options)
    out = _header(f"chain-{scenes}x{options}", f"Chain of {scenes} scenes, {options} options", "c000")
    out.append("scenes:")
    for s in range(scenes):
        nxt = f"c{s + 1:03d}" if s + 1 < scenes else "done"
        out += [f"  c{s:03d}:", f'    title: "Step {s + 1}"', '    text: "Another thing needs doing."',
                "    decision:", "      kind: choose_one", '      prompt: "Which first?"', "      options:"]
        for o in range(options):
            out += [f"        - id: o{o}", f'          label: "Option {o} of step {s + 1}"',
                    f"          minutes: {1 + o}", f"          evidences: [a{s * options + o:03d}]",
                    f"          next: {nxt}"]
    out += _endings(("done", "good"))
    return _write(folder, f"chain-{scenes}x{options}", out)


# -- (b) flags set along the way and read at the end -----------------------------------------
def make_flags(folder: Path, flags: int, scenes: int = 20) -> Path:
    if flags > scenes - 1:
        raise ValueError("one scene per flag, and a last scene that reads them")
    folder = Path(folder)
    _catalogue(folder, scenes + 2)
    out = _header(f"flags-{flags}", f"{flags} flags read at the end", "f000")
    out.append("variables:")
    out += [f"  flag_{f:02d}: {{type: bool, initial: false}}" for f in range(flags)]
    half = max(1, flags // 2)
    first = " and ".join(f"flag_{f:02d}" for f in range(half))
    rest = " or ".join(f"flag_{f:02d}" for f in range(half, flags)) or "false"
    out += ["assess:", "  a000:", f"    applies_if: {rest}", "  a001:", f"    applies_if: not flag_{flags - 1:02d}"]
    out.append("scenes:")
    for s in range(scenes - 1):
        nxt = f"f{s + 1:03d}"
        out += [f"  f{s:03d}:", f'    title: "Step {s + 1}"', '    text: "Something to check."',
                "    decision:", "      kind: choose_one", '      prompt: "Check it?"', "      options:",
                "        - id: check", '          label: "Check it and note it"', "          minutes: 2",
                f"          evidences: [a{s + 2:03d}]"]
        if s < flags:
            out.append(f"          set: {{flag_{s:02d}: true}}")
        out += [f"          next: {nxt}", "        - id: move_on", '          label: "Move on"', "          minutes: 1",
                f"          next: {nxt}"]
    last = f"f{scenes - 1:03d}"
    out += [f"  {last}:", '    title: "Handover"', '    text: "Hand over to the investigators."',
            "    decision:", "      kind: choose_one", '      prompt: "What do you hand over?"', "      options:",
            "        - id: full", '          label: "A full account"', f"          if: {first}",
            "          evidences: [a000]", "          next: thorough", "        - id: partial",
            '          label: "What you have"', "          evidences: [a001]", "          next:",
            f"            - if: {first}", "              goto: thorough", f"            - if: {rest}",
            "              goto: partial_end", "            - goto: poor_end"]
    out += _endings(("thorough", "good"), ("partial_end", "partial"), ("poor_end", "investigation_lost"))
    return _write(folder, f"flags-{flags}", out)


# -- (c) checklists ---------------------------------------------------------------------------
def make_checklists(folder: Path, items: int = 12, lists: int = 3) -> Path:
    folder = Path(folder)
    _catalogue(folder, items * lists)
    out = _header(f"checklists-{items}x{lists}", f"{lists} checklists of {items} items", "k00")
    out.append("scenes:")
    for k in range(lists):
        nxt = f"k{k + 1:02d}" if k + 1 < lists else "done"
        out += [f"  k{k:02d}:", f'    title: "Checklist {k + 1}"', '    text: "Several things could be done now."',
                "    decision:", "      kind: choose_many", '      prompt: "Which do you do?"', "      minutes: 2",
                "      options:"]
        for i in range(items):
            action = f"a{k * items + i:03d}"
            verb = "contravenes" if i % 6 == 5 else "evidences"
            out += [f"        - id: i{i:02d}", f'          label: "Item {i + 1}"', f"          {verb}: [{action}]"]
            if i % 3 == 0:
                out.append("          minutes: 1")
        out.append(f"      next: {nxt}")
    out += _endings(("done", "good"))
    return _write(folder, f"checklists-{items}x{lists}", out)


# -- (c2) deadlines that time spent earlier decides --------------------------------------------
def make_deadlines(folder: Path, scenes: int = 6, shared: int = 1) -> Path:
    """Each scene offers a quick option and a thorough one that earns one more action but takes
    longer, against deadlines from the start, from the milestone ``arrival`` (in the middle)
    and before ``handover`` (the last scene). With ``shared`` the scenes share their actions,
    so paths that spent their time in different places meet again with ``arrival`` reached at
    different times; without, every scene has its own actions and deadlines, so an earlier
    clock with less credit can still earn more later."""
    folder = Path(folder)
    last = 4 if shared else 2 * scenes
    _catalogue(folder, last + 1, windows=False)
    middle = scenes // 2
    out = _header(f"deadlines-{scenes}-{shared}", f"{scenes} scenes against the clock", "d00")
    out.append("assess:")
    if shared:
        out += ["  a000: {window: {minutes: 6}}", "  a001: {window: {before: handover}}",
                "  a002: {window: {minutes: 9}}"]
    else:
        for s in range(scenes):
            window = (f"{{minutes: {3 * s + 4}}}" if s < middle else
                      f"{{minutes: {2 * (s - middle) + 3}, from: arrival}}" if s % 2 else "{before: handover}")
            out.append(f"  a{2 * s:03d}: {{window: {window}}}")
    out += [f"  a{last:03d}: {{window: {{minutes: 6, from: arrival}}}}", "scenes:"]
    for s in range(scenes):
        nxt = f"d{s + 1:02d}" if s + 1 < scenes else "wrap"
        first, second = (s % 2, 2 + s % 2) if shared else (2 * s, 2 * s + 1)
        out += [f"  d{s:02d}:", f'    title: "Step {s + 1}"', '    text: "Something needs doing now."']
        if s == middle:
            out.append("    milestone: arrival")
        out += ["    decision:", "      kind: choose_one", '      prompt: "How?"', "      options:",
                "        - id: quick", '          label: "Quickly"', "          minutes: 1",
                f"          evidences: [a{first:03d}]", f"          next: {nxt}",
                "        - id: thorough", '          label: "Thoroughly"', f"          minutes: {3 + s % 3}",
                f"          evidences: [a{first:03d}, a{second:03d}]", f"          next: {nxt}"]
    out += ["  wrap:", '    title: "Handover"', "    milestone: handover", '    text: "Hand over."',
            "    decision:", "      kind: choose_one", '      prompt: "What now?"', "      options:",
            "        - id: brief", '          label: "Brief the team"', "          minutes: 1",
            f"          evidences: [a{last:03d}]", "          next: done",
            "        - id: leave", '          label: "Leave it"', "          next: half_done"]
    out += _endings(("done", "good"), ("half_done", "partial"))
    return _write(folder, f"deadlines-{scenes}-{shared}", out)


# -- (c4) top-level injects that fall due in the middle of a move ----------------------------------
def make_timed_injects(folder: Path, scenes: int = 5) -> Path:
    """Each scene offers a quick option (1 minute) and a slow one (3-5 minutes), so a scene is
    entered at many different clocks, and a choice made at one clock runs into a top-level
    inject that the same choice made earlier does not. The injects: a note at minute 4 that
    does nothing; a surge at minute 6 that ends the story unless the first scene's slow option
    prepared for it (after which it can never fire: its condition is false for good); a call
    back at minute 9 that the last scene's best option needs. Nothing reads ``elapsed``."""
    folder = Path(folder)
    _catalogue(folder, 2 * scenes + 1, windows=False)
    out = _header(f"timed-injects-{scenes}", f"{scenes} scenes with injects falling due mid-choice", "t00")
    out += ["variables:", "  prepared: {type: bool}", "  called: {type: bool}", "injects:",
            "  - id: note", "    at_minute: 4", '    text: "Control notes the time."',
            "  - id: surge", "    at_minute: 6", "    if: not prepared", '    text: "The crowd surges."',
            "    goto: overtaken",
            "  - id: call_back", "    at_minute: 9", '    text: "The caller rings back."',
            "    set: {called: true}", "scenes:"]
    for s in range(scenes):
        nxt = f"t{s + 1:02d}" if s + 1 < scenes else "wrap"
        prepare = ["          set: {prepared: true}"] if s == 0 else []
        out += [f"  t{s:02d}:", f'    title: "Step {s + 1}"', '    text: "Something needs doing now."',
                "    decision:", "      kind: choose_one", '      prompt: "How?"', "      options:",
                "        - id: quick", '          label: "Quickly"', "          minutes: 1",
                f"          evidences: [a{2 * s:03d}]", f"          next: {nxt}",
                "        - id: slow", '          label: "Slowly and thoroughly"', f"          minutes: {3 + s % 3}",
                *prepare, f"          evidences: [a{2 * s:03d}, a{2 * s + 1:03d}]", f"          next: {nxt}"]
    out += ["  wrap:", '    title: "Handover"', '    text: "Hand over."',
            "    decision:", "      kind: choose_one", '      prompt: "What now?"', "      options:",
            "        - id: brief", '          label: "Brief the caller\'s details to the team"', "          if: called",
            f"          evidences: [a{2 * scenes:03d}]", "          next: done",
            "        - id: leave", '          label: "Leave it"', "          minutes: 2", "          next: half_done"]
    out += _endings(("done", "good"), ("half_done", "partial"), ("overtaken", "harm"))
    return _write(folder, f"timed-injects-{scenes}", out)


# -- (c3) variables written again before they are read -------------------------------------------
_REWRITES = """\
variables:
  x1: {type: bool}
  y1: {type: bool}
  x2: {type: bool}
  y2: {type: bool}
  x3: {type: bool}
  y3: {type: bool}
  x4: {type: bool}
  y4: {type: bool}
  z: {type: bool}
scenes:
  start:
    title: "Start"
    text: "Four things can be settled now."
    decision:
      kind: choose_many
      prompt: "Which?"
      options:
        - {id: p1, label: "First", set: {x1: true, y1: true}, evidences: [a001]}
        - {id: p2, label: "Second", set: {x2: true, y2: true}, evidences: [a002]}
        - {id: p3, label: "Third", set: {x3: true, y3: true}, evidences: [a003]}
        - {id: p4, label: "Fourth", set: {x4: true, y4: true}, evidences: [a004]}
      next: r1
  r1:
    title: "Written, then read by its own routes"
    text: "Mark it or leave it."
    decision:
      kind: choose_one
      prompt: "Mark it?"
      options:
        - id: mark
          label: "Mark it"
          set: {y1: true}
          evidences: [a005]
          next: [{if: x1 == y1, goto: r2}, {goto: detour}]
        - id: leave
          label: "Leave it"
          evidences: [a006]
          next: [{if: x1 == y1, goto: r2}, {goto: detour}]
  detour:
    title: "A detour"
    text: "Something went wrong."
    decision:
      kind: choose_one
      prompt: "Fix it?"
      options:
        - {id: fix, label: "Fix it", evidences: [a007], next: r2}
        - {id: ignore, label: "Ignore it", contravenes: [a007], next: r2}
  r2:
    title: "Written by an inject, then read by an option"
    text: "Something happens at once."
    injects:
      - {id: at_once, after_minutes: 0, text: "It changes.", set: {y2: true}}
    decision:
      kind: choose_one
      prompt: "Which?"
      options:
        - {id: matched, label: "They match", if: x2 == y2, evidences: [a008], next: r3}
        - {id: plain, label: "Plainly", evidences: [a009], next: r3}
  r3:
    title: "Written here, read later"
    text: "Mark it or leave it."
    decision:
      kind: choose_one
      prompt: "Mark it?"
      options:
        - {id: mark, label: "Mark it", set: {y3: true}, evidences: [a010], next: r4}
        - {id: leave, label: "Leave it", contravenes: [a010], next: r4}
  r4:
    title: "Read later"
    text: "Does it match?"
    decision:
      kind: choose_one
      prompt: "Which?"
      options:
        - {id: matched, label: "They match", if: x3 == y3, evidences: [a011], next: r5}
        - {id: other, label: "Otherwise", contravenes: [a011], next: r5}
  r5:
    title: "A loop"
    text: "Once more?"
    decision:
      kind: choose_one
      prompt: "Again?"
      options:
        - {id: again, label: "Again", if: not z, set: {z: true, y4: true}, evidences: [a012], next: r5}
        - {id: matched, label: "They match", if: x4 == y4, evidences: [a013], next: done}
        - {id: on, label: "Move on", next: half_done}
"""


def make_rewrites(folder: Path) -> Path:
    folder = Path(folder)
    _catalogue(folder, 14, windows=False)
    out = _header("rewrites", "Variables written again before they are read", "start")
    out += _REWRITES.splitlines()
    out += _endings(("done", "good"), ("half_done", "partial"))
    return _write(folder, "rewrites", out)


# -- (d) a realistic scenario ---------------------------------------------------------------------
_REALISTIC = """\
format: 1
id: realistic-18
title: "Lorry at Cold Harbour Lane"
summary: "Banging heard from a lorry parked on an industrial estate; an author's 18-scene scenario."
version: "1.0"
incident_start: "2026-02-03 02:40"
clock_speed: 1
start: call
catalogues: [shapes]
assess:
  a020:
    applies_if: casualty
briefing:
  role: "You are the call handler, then the sergeant who attends."
  situation: "A security guard hears banging from a parked lorry."
  expectations: ["Life first.", "People found are potential victims."]
cast:
  guard: {name: "Mo Jarrah", role: caller}
  control: {name: "Control", role: radio}
variables:
  ambulance: {type: bool}
  fire: {type: bool}
  doors_open: {type: bool}
  casualty: {type: bool}
  interpreter: {type: bool}
  driver_held: {type: bool}
  scene_secured: {type: bool}
  bwv: {type: bool}
  welfare: {type: bool}
  pressure: {type: int, initial: 0, min: 0, max: 9}
  delay: {type: int, initial: 0, min: 0, max: 5}
  lead: {type: enum, values: [none, police, immigration]}
  group: {type: enum, values: [together, split]}
injects:
  - id: guard_calls_back
    at_minute: 8
    if: not ambulance
    speaker: guard
    text: "The guard calls back: the banging has stopped."
    add: {pressure: 2}
  - id: collapse_redirect
    at_minute: 25
    if: not doors_open and pressure >= 2
    text: "A man collapses inside the trailer."
    set: {casualty: true}
    goto: collapse
  - id: press_call
    at_minute: 40
    speaker: control
    text: "A reporter has called the press office."
    add: {delay: 1}
scenes:
  call:
    title: "The call"
    speaker: guard
    text: "Banging from a refrigerated lorry on Cold Harbour Lane."
    decision:
      kind: choose_one
      prompt: "What do you do first?"
      time_limit_seconds: 120
      on_expiry:
        feedback: "The guard waited while you decided."
        minutes: 3
        add: {delay: 1}
        next: grade
      options:
        - id: life
          label: "Treat it as a threat to life: send ambulance and police"
          minutes: 2
          set: {ambulance: true}
          evidences: [a000, a001]
          next: grade
        - id: refer
          label: "Refer it to Immigration Enforcement"
          minutes: 1
          set: {lead: immigration}
          contravenes: [a000]
          next: grade
  grade:
    title: "Grading"
    text: "You grade the call and brief the patrol."
    decision:
      kind: choose_many
      prompt: "Which do you do now?"
      minutes: 2
      options:
        - {id: fire, label: "Ask the fire service to attend", set: {fire: true}, evidences: [a002]}
        - {id: keep_line, label: "Keep the guard on the line", evidences: [a003]}
        - {id: log, label: "Log it as suspected immigration crime", evidences: [a004]}
        - {id: tell_him_open, label: "Tell the guard to open the doors", contravenes: [a005]}
      next: travel
  travel:
    title: "On the way"
    text: "The patrol is on its way through light traffic."
    next: arrive
  arrive:
    title: "Arrival"
    milestone: arrival
    text: "You arrive at the lorry. The fridge unit is running."
    injects:
      - id: second_banging
        after_minutes: 4
        if: not doors_open
        text: "The banging starts again, weaker."
        add: {pressure: 1}
    decision:
      kind: choose_one
      prompt: "What now?"
      options:
        - id: open
          label: "Open the doors and stop the fridge"
          minutes: 2
          set: {doors_open: true}
          evidences: [a005, a006]
          next: inside
        - id: wait_bf
          label: "Wait for Border Force"
          minutes: 10
          add: {pressure: 2}
          contravenes: [a006]
          next: inside
  inside:
    title: "Inside the trailer"
    text: "Eleven people, cold and frightened. One is not moving."
    injects:
      - id: unresponsive
        after_minutes: 3
        if: not ambulance
        text: "The man who was not moving has stopped breathing."
        set: {casualty: true}
        goto: collapse
    decision:
      kind: choose_many
      prompt: "Which do you do?"
      min_picks: 1
      options:
        - {id: first_aid, label: "First aid for the man not moving", evidences: [a007], minutes: 1}
        - {id: bwv, label: "Switch on body-worn video", set: {bwv: true}, evidences: [a008]}
        - {id: blankets, label: "Blankets and water", set: {welfare: true}, evidences: [a009]}
        - {id: count, label: "Count and note everyone", evidences: [a010]}
        - {id: cuff_all, label: "Handcuff everyone", contravenes: [a011], add: {pressure: 1}}
      next: driver
  collapse:
    title: "A collapse"
    text: "Someone has collapsed. Paramedics are needed now."
    decision:
      kind: choose_one
      prompt: "What do you do?"
      options:
        - id: cpr
          label: "Start CPR and call for paramedics"
          evidences: [a020]
          minutes: 3
          next: safeguarding
        - id: wait
          label: "Wait for the ambulance"
          contravenes: [a020]
          minutes: 5
          next: tragedy
  driver:
    title: "The driver"
    text: "The driver is by the cab, on his phone."
    decision:
      kind: choose_one
      prompt: "What about the driver?"
      options:
        - id: arrest
          label: "Arrest him and seize the phone"
          set: {driver_held: true}
          evidences: [a012]
          minutes: 2
          next: yard
        - id: release
          label: "Take his details and let him go"
          contravenes: [a012]
          next: yard
  yard:
    title: "The scene"
    milestone: identification
    text: "The lorry and the yard are evidence."
    injects:
      - id: yard_traffic
        after_minutes: 5
        if: not scene_secured
        text: "A forklift drives across the yard."
        add: {delay: 1}
    decision:
      kind: choose_one
      prompt: "How do you protect the scene?"
      options:
        - id: cordon
          label: "Cordon and scene log"
          set: {scene_secured: true}
          evidences: [a013]
          minutes: 3
          next: language
        - id: move_lorry
          label: "Have the lorry moved to clear the yard"
          contravenes: [a013]
          next: language
  language:
    title: "Languages"
    text: "Few of the group speak English."
    injects:
      - id: boy_wanders
        after_minutes: 6
        text: "The teenage boy walks off towards the road; an officer brings him back."
        add: {pressure: 1}
    decision:
      kind: choose_one
      prompt: "How do you talk with them?"
      options:
        - id: interpreter
          label: "Book a telephone interpreter"
          set: {interpreter: true}
          evidences: [a014]
          minutes: 5
          next: separate
        - id: phone_app
          label: "Use a translation app"
          minutes: 1
          next: separate
        - id: driver_translates
          label: "Ask the driver to translate"
          if: not driver_held
          contravenes: [a014, a015]
          next: separate
  separate:
    title: "Talking to the group"
    text: "Two men look after a teenage boy."
    decision:
      kind: choose_one
      prompt: "How do you speak with them?"
      options:
        - id: apart
          label: "Speak to each person apart, the boy with an appropriate adult"
          set: {group: split}
          evidences: [a015]
          minutes: 4
          next: lead
        - id: together
          label: "Speak to them all together"
          next: lead
  lead:
    title: "Who leads"
    text: "Immigration Enforcement asks who leads."
    next:
      - if: lead == "immigration"
        goto: lead_handover
      - goto: lead_police
  lead_handover:
    title: "Handing over"
    text: "You referred this to Immigration Enforcement at the start."
    decision:
      kind: choose_one
      prompt: "Do you keep the lead?"
      options:
        - id: take_back
          label: "Take the lead back: this is a crime scene"
          set: {lead: police}
          evidences: [a016]
          next: welfare_check
        - id: let_go
          label: "Let them lead"
          contravenes: [a016]
          next: welfare_check
  lead_police:
    title: "Police lead"
    text: "You confirm the police lead with Immigration Enforcement."
    decision:
      kind: choose_one
      prompt: "How do you agree it?"
      options:
        - id: joint
          label: "Agree a joint plan with a police lead"
          set: {lead: police}
          evidences: [a016]
          next: welfare_check
        - id: vague
          label: "Leave it for the morning"
          add: {delay: 1}
          next: welfare_check
  welfare_check:
    title: "Welfare"
    milestone: placement
    text: "The group are cold; the boy is crying."
    next:
      - if: welfare
        goto: safeguarding
      - goto: late_welfare
  late_welfare:
    title: "Late welfare"
    text: "A paramedic points out nobody has had water. You sort it out, late."
    next: safeguarding
  safeguarding:
    title: "Safeguarding"
    text: "The boy says he is sixteen."
    decision:
      kind: choose_one
      prompt: "What do you do for the boy?"
      options:
        - id: refer_nrm
          label: "Treat him as a child and a potential victim: refer him"
          evidences: [a017]
          minutes: 3
          next: record_why
        - id: adult
          label: "Treat him as an adult"
          contravenes: [a017]
          next: record_why
  record_why:
    title: "Your rationale"
    text: "Record your decisions."
    decision:
      kind: ndm_rationale
      prompt: "Why did you decide what you decided?"
      required: [threat_risk]
      parts:
        - id: power
          stage: powers_policy
          prompt: "On what basis is the driver dealt with?"
          options:
            - {id: suspicion, label: "Arrest on suspicion of facilitation", evidences: [a018]}
            - {id: custody, label: "Because custody had space"}
      rubric:
        - id: victims
          stage: ethics
          criterion: "Treats the group as potential victims and witnesses."
          evidences: [a018]
      minutes: 4
      next:
        - if: driver_held and scene_secured and (interpreter or group == "split")
          goto: handover
        - if: pressure >= 4 or delay >= 2
          goto: stalled
        - goto: handover
  handover:
    title: "Handover"
    milestone: handover
    text: "The investigators arrive."
    decision:
      kind: choose_one
      prompt: "What do you hand over?"
      options:
        - id: full
          label: "Scene log, video, notes and the phone"
          if: bwv or scene_secured or fire
          evidences: [a019]
          next: good_end
        - id: verbal
          label: "A verbal update"
          next: partial_end
endings:
  good_end: {title: "Lives and the investigation protected", outcome: good, text: "Everyone is safe."}
  partial_end: {title: "Safe, but evidence lost", outcome: partial, text: "Everyone is safe; much was lost."}
  stalled: {title: "The investigation stalled", outcome: investigation_lost, text: "Nobody can be charged."}
  tragedy: {title: "A death", outcome: harm, text: "A man died in the trailer."}
"""


def make_realistic(folder: Path) -> Path:
    folder = Path(folder)
    _catalogue(folder, 21)
    return _write(folder, "realistic-18", _REALISTIC.splitlines())


SHAPES = {
    "chain": make_chain,
    "flags": make_flags,
    "checklists": make_checklists,
    "deadlines": make_deadlines,
    "rewrites": make_rewrites,
    "timed": make_timed_injects,
    "realistic": make_realistic,
}
