"""tongue-mirror: a webcam demo of newborn imitation through a simulated mirror-neuron circuit."""

__version__ = "0.1.0"
