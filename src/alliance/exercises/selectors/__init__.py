"""selectors of the exercises app: one module per area (programmes, scenarios, runs)."""
