"""Training: labelled data → checks → method → evaluation → model directory."""
