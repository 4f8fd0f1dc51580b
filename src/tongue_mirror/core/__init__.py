"""Analysis stages: pure computation on values, no devices, files or MediaPipe."""
