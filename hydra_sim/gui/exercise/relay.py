"""Network callbacks to the GUI thread: the exercise core calls back on its own threads.

A ``Relay`` is created on the GUI thread; its ``emit_*`` methods may be called from any
thread (a server subscriber, a StationLink callback). A signal emitted from another thread
reaches slots of GUI-thread objects queued, so widgets are only ever touched on the GUI
thread. Must not import widgets; holds no rules.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Relay(QObject):
    event = Signal(object)            # a server event (views.StationJoined, SyndicateUpdated, ...)
    command = Signal(object)          # a station's facilitator Command
    status = Signal(bool, str)        # a station link: connected, message
    update = Signal(object)           # a follower's SyndicateView

    def emit_event(self, event) -> None:
        self._emit(self.event, event)

    def emit_command(self, command) -> None:
        self._emit(self.command, command)

    def emit_status(self, connected: bool, message: str) -> None:
        try:
            self.status.emit(bool(connected), str(message))
        except RuntimeError:          # the window closed while the network thread was still reporting
            pass

    def emit_update(self, view) -> None:
        self._emit(self.update, view)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:          # the receiver is gone (window closed): nothing to show
            pass
