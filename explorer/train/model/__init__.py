"""The book's models and what measures them: plain torch, no optimizer, no loop.

May import: `explorer.train.config`, `explorer.data` and the modules under every room.
"""
