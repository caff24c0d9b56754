"""The pages every public service has, open to anyone: accessibility, privacy and cookies."""
