"""Files the tool writes, whole or not at all (`atomic`): used by fixers, loaders, reporting and the pipeline alike."""
