"""hydra_sim: a training simulator for the police response to a clandestine lorry drop."""

__version__ = "0.1.0"
