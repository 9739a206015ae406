"""The Qt front end of hydra_sim: the only package that imports PySide6.

Widgets render engine state and forward the trainee's intent to the session controller;
every scenario rule lives in ``hydra_sim.engine``.
"""
