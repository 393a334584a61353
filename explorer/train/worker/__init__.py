"""The worker process that runs the loop for a page: TrainingRun (the page's handle),
Worker (the process, fed by a fork server), Slots (the server's cap and its queue), and
what the page reads of a run (RunRecord, RunResults, RunView).

May import: every other room of `explorer.train`, and data.
"""
