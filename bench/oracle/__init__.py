"""The verdict oracle: real specifications served by Prism, Testament's verdicts judged.

See docs/verdicts.md. Nothing here is imported by the application.
"""
