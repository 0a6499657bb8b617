"""JSON Schemas of bsscheck's machine-readable output, shipped as package data."""
