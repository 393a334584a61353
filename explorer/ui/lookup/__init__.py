"""The Lookup page: `page.py` reads the settings and draws the answer; `sections.py` holds
the sections below it (bias, gradients, bags, cost, where the two differ, the code)."""
