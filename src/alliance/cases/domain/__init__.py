"""Rules of the NRM that hold whoever asks: stages, country profiles, de-identification, uploads, packages."""
