"""The programs: live, process, calibrate, eval and the CLI that wires them."""
