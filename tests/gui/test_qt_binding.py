"""The Qt binding does not corrupt Python's reference counts (a PySide6 6.12.0 bug did)."""

import sys

from PySide6.QtWidgets import QGraphicsRectItem, QLabel


def test_void_qt_calls_keep_none_refcount(qapp):
    # On Python < 3.12 None is not immortal: a binding that drops a reference per void call
    # (PySide6 6.12.0) aborts the interpreter after enough calls. pyproject pins around it.
    item = QGraphicsRectItem(0, 0, 10, 10)
    label = QLabel("x")
    before = sys.getrefcount(None)
    for i in range(2000):
        item.setPos(i, i)
        label.setText("y")
    assert abs(sys.getrefcount(None) - before) < 50
