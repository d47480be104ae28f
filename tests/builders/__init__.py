"""Builders of test input files (Word documents written at the XML level)."""
