"""Depth-first walks over a directed graph given as a function from a node to its successors.

Shared by the flow-chart layout (graph.py: which edges to draw backwards) and the linter
(lint.py: does the scene graph loop). Iterative throughout: a 2,000-scene chain must not hit
the recursion limit. No Qt, no engine types.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def back_edges(roots: Iterable[Node], successors: Callable[[Node], Iterable[Node]]) -> Iterator[tuple[Node, Node]]:
    """Yield each edge ``(node, child)`` that closes a cycle, in a three-colour depth-first search.

    The search starts at each root not yet reached, in order, and visits a node's successors in
    the order ``successors`` gives them. Lazy: stop consuming to stop the search.
    """
    colour: dict[Node, int] = {}        # absent: unseen; 1: on the current path; 2: finished
    for root in roots:
        if root in colour:
            continue
        colour[root] = 1
        stack = [(root, iter(successors(root)))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
                continue
            state = colour.get(child, 0)
            if state == 1:
                yield node, child
            elif state == 0:
                colour[child] = 1
                stack.append((child, iter(successors(child))))
