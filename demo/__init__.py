"""Demo data: a realistic, deterministic commune, district or province."""
