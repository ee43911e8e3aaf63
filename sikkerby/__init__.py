"""What both halves of the project share: file locations, the domain's fixed words, Danish number style.

`pipelines` (the writer) and `dashboard` (the reader) import from here and never from each other.
"""
