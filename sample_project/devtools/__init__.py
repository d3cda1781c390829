"""Tools for development on your machine: never part of the image (.dockerignore)."""
