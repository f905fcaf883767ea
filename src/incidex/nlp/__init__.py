"""The only package that imports spaCy: model loading and Doc -> domain spans."""
