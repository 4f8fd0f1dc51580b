"""The edges: frame sources, the face tracker, sinks, files, threads and devices."""
