"""Excel worksheet functions (`=PMO_...`), thin wrappers over the pmo_xl core."""
