"""milai: offline, encrypted, policy-gated language models for air-gapped work."""

__version__ = "0.1.0"
