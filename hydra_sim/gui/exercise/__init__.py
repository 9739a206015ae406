"""The facilitated-exercise GUI: the facilitator console, station mode of the trainee app, the plenary debrief.

``console`` (the facilitator's window), ``station`` (join dialog, the link glue, the follower
mirror), ``plenary`` (syndicates side by side, exported as HTML or PDF), ``relay`` (network
callbacks to Qt signals on the GUI thread). The rules and the network live in
``hydra_sim.exercise`` (Qt-free); these modules only show and forward.
"""
