"""Demo data: Alice Marie Johnson's public case and a deterministic synthetic generator."""
