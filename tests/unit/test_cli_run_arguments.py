"""`run`'s command line read without argparse: the same reading as argparse's, or argparse's own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from component import cli

PLAIN = [
    ["run", "getSource"],
    ["run", "getSource", "--set", "sourceId=x"],
    ["run", "getSource", "--set=sourceId=x", "--set", "region=eu", "--debug"],
    ["run", "listSources", "--input", '{"count": 2}', "--set", "count=3"],
    ["run", "listSources", "--input", "{}", "--input", '{"count": 1}'],  # the last --input wins
    ["run", "listSources", "--input=@-", "--emulator", "--reset-emulator"],
    ["run", "listSources", "--set", "", "--set=", "--input="],
    ["run", "getSource", "--set", "name=a b -c", "--debug", "--debug"],
    ["run", "getSource", "--set=sourceId=-x"],  # an attached value may start with a dash
]

UNUSUAL = [
    ["run"],
    ["run", "--debug", "getSource"],  # an option before the key
    ["run", "getSource", "--deb"],  # an abbreviation
    ["run", "getSource", "--set"],  # a missing value
    ["run", "getSource", "--set", "-x=1"],  # a value that looks like an option
    ["run", "getSource", "--set", "-5"],
    ["run", "getSource", "extra"],  # a second word
    ["run", "getSource", "--help"],
    ["run", "getSource", "--debug=yes"],
    ["run", "getSource", "--", "--set"],
    ["list"],
    ["describe", "getSource"],
    [],
]


@pytest.mark.parametrize("argv", PLAIN, ids=[" ".join(a) for a in PLAIN])
def test_a_plain_run_is_read_as_argparse_reads_it(argv: list[str]) -> None:
    fast = cli._run_arguments(argv)
    assert fast is not None
    assert vars(fast) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", UNUSUAL, ids=[" ".join(a) or "(nothing)" for a in UNUSUAL])
def test_anything_unusual_is_left_to_argparse(argv: list[str]) -> None:
    assert cli._run_arguments(argv) is None


def test_a_plain_run_builds_no_argparse_parser() -> None:
    # The run fails on its unknown key before any network or emulator work; what matters is
    # that reading its command line did not import argparse.
    code = (
        "import sys\nfrom component.cli import main\n"
        "code = main(['run', 'noSuchHandler', '--set', 'a=b'])\n"
        "print('CODE', code, 'ARGPARSE', 'argparse' in sys.modules, file=sys.stderr)\n"
    )
    env = {
        "SEGMENT_API_KEY": "k",
        "SEGMENT_SUBDOMAIN": "w",
        "SEGMENT_API_BASE_URL": "http://127.0.0.1:9",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, env=env
    )
    assert "CODE 2 ARGPARSE False" in result.stderr, result.stderr
    assert "noSuchHandler" in result.stderr
