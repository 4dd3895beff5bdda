"""Support for the project's self-tests.

The product's own pytest plugin (options, settings, markers, session
fixtures) is not here: it is the `plugin` package, registered through the
`pytest11` entry point in pyproject.toml, so it is loaded before pytest reads
the command line (`--data-dir PATH` works as well as `--data-dir=PATH`).
"""

pytest_plugins = ["pytester"]
