"""Every read of screening data, narrowed by core.policy and the realm."""
