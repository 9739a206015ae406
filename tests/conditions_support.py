"""The run condition shared by the engine and GUI tests of run conditions: an ambulance response
that is on time or delayed, as YAML text to insert under ``run_conditions:``."""

PARAMEDICS = '''  paramedics:
    type: enum
    title: "Ambulance response"
    values: [prompt, stacked]
    labels: {prompt: "on time", stacked: "delayed: no crew free for 40 minutes"}
'''
