"""Score the reader against a gold file (placeholder replaced below)."""
def evaluate(*a, **k): raise NotImplementedError
def load_gold(*a, **k): raise NotImplementedError
