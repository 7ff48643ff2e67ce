"""Every read of case data, narrowed by core.policy and the realm; one module per area."""
