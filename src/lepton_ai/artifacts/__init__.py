"""What a trained model is on disk: the manifest, the weight files, and how a folder is
written (staged beside its place, swapped in when finished).

Below both :mod:`lepton_ai.tasks` (which loads these folders) and
:mod:`lepton_ai.training` (which writes them), so neither needs the other to read
or write a model.
"""
