"""One small module per task; each exposes typed functions or a class."""
