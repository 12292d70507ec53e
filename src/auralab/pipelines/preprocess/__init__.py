"""Preprocess: validated tables -> model-ready tokens or features."""
