"""The client floor: the Engine facade and everything a door needs to reach the workflows
(runtime, converter, codec, signing, simulation). Imported by ``worker.py`` and ``cli``; never by
``workflows``, ``projections`` or ``domain`` (tests/test_layering.py)."""
