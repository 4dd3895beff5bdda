"""Catch the one silent wrong setup pytest allows: a path option written with a space that moved the rootdir.

pytest settles its rootdir and ini file before it loads any plugin, so in
`pytest --data-dir /exports/today` it takes `/exports/today` for a test path,
and the rootdir and ini file are found from there: the folder's own pytest.ini
(its contracts, its out dir) is silently not read. The `=` form is read right.
"""

from __future__ import annotations

import pytest
from _pytest.config.findpaths import determine_setup

from plugin.options import PATH_OPTIONS


def moved_setup(config: pytest.Config) -> str | None:
    """Why this run's rootdir or ini file is not the one its folder gives (with the remedy), or None."""
    args = [str(a) for a in config.invocation_params.args]
    spaced = [(option, args[n + 1]) for n, option in enumerate(args[:-1]) if option in PATH_OPTIONS]
    if not spaced:
        return None
    given = [str(a) for a in config.args] if config.args_source == pytest.Config.ArgsSource.ARGS else []
    try:
        rootpath, inipath, *_ = determine_setup(
            inifile=config.option.inifilename,
            override_ini=config.option.override_ini,
            args=given,
            rootdir_cmd_arg=config.option.rootdir or None,
            invocation_dir=config.invocation_params.dir,
        )
    except pytest.UsageError:
        return None  # pytest itself will say what is wrong with these
    if (rootpath, inipath) == (config.rootpath, config.inipath):
        return None
    option, value = spaced[0]
    found = f"the ini file {config.inipath}" if config.inipath else "no ini file"
    meant = f"{inipath}" if inipath else "no ini file"
    return (
        f"{option} {value}: pytest took {value} for a test path before this plugin was loaded, so it used the rootdir "
        f"{config.rootpath} and {found} instead of {rootpath} and {meant}. Write {option}={value} "
        "(or run `dynamodb-contracts run`, which does)"
    )
