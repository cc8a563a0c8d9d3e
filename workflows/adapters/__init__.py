"""Ports to the outside world, each with a deterministic simulated implementation."""
