"""The court's console in the browser (issue 15): ``enforce console``, and ``make run`` beside
the worker. A skin like ``cli/``: it reads through the Engine facade and the read models and
acts through ``Engine.act`` as the logged-in account (docs/operations.md "The console")."""
