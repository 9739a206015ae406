"""``hydra-sim schema``, ``new`` and ``graph``: tools for scenario authors.

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import _data_out, _load_or_report


def add_parsers(sub) -> None:
    schema = sub.add_parser("schema", help="write JSON Schemas for editors (scenario, catalogue, plan)")
    schema.add_argument("--output", metavar="DIR", help="write the .schema.json files into DIR (default: stdout)")
    schema.set_defaults(handler=_cmd_schema)

    new = sub.add_parser("new", help="start a new scenario from a small working example")
    new.add_argument("name", metavar="NAME", help="the scenario id, e.g. lay-by-lorry")
    new.add_argument("--folder", default=".", metavar="DIR", help="where to write it (default: .)")
    new.add_argument("--title", help="the scenario's title")
    new.set_defaults(handler=_cmd_new)

    graph = sub.add_parser("graph", help="draw a scenario's scenes and routes")
    graph.add_argument("scenario", metavar="SCENARIO")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg", "png"), default="mermaid")
    graph.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout; png needs FILE)")
    graph.set_defaults(handler=_cmd_graph)


def _cmd_schema(args) -> int:
    from ..engine.jsonschema_export import all_schemas, write_schemas

    if args.output:
        for path in write_schemas(Path(args.output)):
            print(path)
    else:
        print(json.dumps(all_schemas(), indent=2, ensure_ascii=False))
    return 0


def _cmd_new(args) -> int:
    from ..engine.scaffold import ScaffoldError, write_scaffold

    try:
        made = write_scaffold(args.name, Path(args.folder), args.title)
    except ScaffoldError as exc:
        print(f"hydra-sim new: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {made.scenario}\nwrote {made.plan}")
    print(f"next: hydra-sim lint {made.scenario} && hydra-sim test {made.plan}", file=sys.stderr)
    return 0


def _cmd_graph(args) -> int:
    from ..engine import graph as graphs

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    model = graphs.build_graph(scenario)
    if args.format == "png":
        if not args.output:
            print("hydra-sim graph: --format png needs --output FILE", file=sys.stderr)
            return 2
        from ..gui.svg_png import svg_to_png  # the one Qt import here, only for PNG output
        svg_to_png(graphs.to_svg(model), Path(args.output))
        print(args.output)
        return 0
    text = {"mermaid": graphs.to_mermaid, "dot": graphs.to_dot, "svg": graphs.to_svg}[args.format](model)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(args.output)
    else:
        _data_out().write(text)
    return 0
