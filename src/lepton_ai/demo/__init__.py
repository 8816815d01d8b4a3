"""The demo behind `make run`: a small bilingual corpus written for this project."""
