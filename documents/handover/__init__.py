"""R30: the half-yearly handover, by concept: ``models``, ``services`` (the moves),
``selectors`` (reads), ``forms``, ``views`` and ``urls``."""
